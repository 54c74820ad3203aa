// Grant modes (issue 14): the same first scan as scan.bench.ts (N users × 10 strategies, each
// matching ~2%, against the mock over HTTP) once with the strategies in `add` mode and once in
// `top_up` mode, where every matched user's balance is read before the delta (two reads with
// AIGATEWAY_BALANCE=total_minus_used, the default). The balances start empty, so a top-up sends
// as many deltas as an add: the difference is the price of the reads.
// Run: npx tsx bench/modes.bench.ts [--sizes 100k] [--db sqlite,postgresql,mysql] [--runs 3]
// Each figure is the median of --runs runs, with the spread (min–max) beside it.
import { openDatabase } from '../src/db/client.ts';
import { benchOptions, isMain, log } from './support/options.ts';
import { Recorder, type Cell } from './support/report.ts';
import { runScanWorker, type ScanRun } from './support/scan-run.ts';
import {
  benchWorkDir,
  BenchDatabases,
  startMockGateway,
  type SeededDatabase,
} from './support/services.ts';

type Mode = 'add' | 'top_up';

async function scanIn(
  mode: Mode,
  seeded: SeededDatabase,
  mock: Awaited<ReturnType<typeof startMockGateway>>,
  serverPid: number | undefined,
): Promise<ScanRun> {
  const copy = await seeded.clone();
  try {
    const database = await openDatabase(copy.url);
    try {
      await database.db.quotaStrategy.updateMany({ data: { mode } });
    } finally {
      await database.close();
    }
    await mock.reset();
    return await runScanWorker({
      databaseUrl: copy.url,
      mock,
      postmasterPid: serverPid,
      timeoutMs: Math.max(300_000, seeded.users * 2),
    });
  } finally {
    await copy.drop();
  }
}

/** The median of at least one value, and the spread around it as [min, max]. */
function summarise(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** "12.3 s (11.9–13.0)": a median with its spread, as bench/README.md prints figures. */
function withSpread(values: number[], digits = 1): string {
  const { median, min, max } = summarise(values);
  return `${median.toFixed(digits)} (${min.toFixed(digits)}–${max.toFixed(digits)})`;
}

function runsArgument(argv: string[]): number {
  const index = argv.findIndex((arg) => arg === '--runs' || arg.startsWith('--runs='));
  if (index === -1) return 3;
  const text = argv[index]!.includes('=') ? argv[index]!.split('=')[1] : argv[index + 1];
  const runs = Number(text);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a count, not "${text}"`);
  return runs;
}

export async function runModesBench(argv: string[]): Promise<void> {
  const options = benchOptions({ sizes: [100_000] }, argv);
  const repeats = runsArgument(argv);
  const recorder = new Recorder('modes', {
    sizes: options.sizes,
    databases: options.databases,
    runs: repeats,
  });
  const rows: Cell[][] = [];
  const figures: Record<string, Record<Mode, ScanRun[]>> = {};
  const work = benchWorkDir();
  const mock = await startMockGateway();
  const databases = new BenchDatabases(work.dir);
  try {
    for (const kind of options.databases) {
      for (const users of options.sizes) {
        const seeded = await databases.seeded(kind, users, log);
        const runs: Record<Mode, ScanRun[]> = { add: [], top_up: [] };
        // Alternate the modes so that a change in the machine's load hits both alike.
        for (let repeat = 0; repeat < repeats; repeat++) {
          for (const mode of ['add', 'top_up'] as const) {
            const run = await scanIn(mode, seeded, mock, databases.serverPid(kind));
            runs[mode].push(run);
            log(
              `${kind} ${users} ${mode} run ${repeat + 1}/${repeats}: ${run.summary.granted} grants ` +
                `(${run.gatewayDeltas} deltas) in ${(run.wallMs / 1000).toFixed(1)} s; scanner CPU ` +
                `${run.cpuSeconds.toFixed(1)} s, gateway CPU ${run.gatewayCpuSeconds.toFixed(1)} s, ` +
                `RSS peak ${Math.round(run.rssPeakMb)} MiB, problems ${run.problems.length}`,
            );
          }
        }
        figures[`${kind}-${users}`] = runs;
        for (const mode of ['add', 'top_up'] as const) {
          const list = runs[mode];
          rows.push([
            `${kind} ${users.toLocaleString('en-US')} ${mode}`,
            withSpread(
              list.map((run) => run.summary.granted),
              0,
            ),
            withSpread(
              list.map((run) => run.gatewayDeltas),
              0,
            ),
            withSpread(list.map((run) => run.wallMs / 1000)),
            withSpread(list.map((run) => run.cpuSeconds)),
            withSpread(list.map((run) => run.gatewayCpuSeconds)),
            withSpread(list.map((run) => run.databaseCpuSeconds ?? 0)),
            withSpread(
              list.map((run) => run.rssPeakMb),
              0,
            ),
          ]);
        }
        const ratios = runs.top_up.map((run, i) => run.wallMs / runs.add[i]!.wallMs);
        log(`${kind} ${users}: top_up / add wall time ${withSpread(ratios, 2)}`);
      }
    }
  } finally {
    await mock.stop();
    databases.stop();
    work.remove();
  }
  recorder.table({
    title: `First scan, add against top_up: median (min–max) of ${repeats} runs`,
    columns: [
      'database, users, mode',
      'grants',
      'deltas',
      'wall s',
      'scanner CPU s',
      'gateway CPU s',
      'db server CPU s',
      'peak RSS MiB',
    ],
    rows,
  });
  recorder.write(figures);
}

if (isMain(import.meta.url)) await runModesBench(process.argv.slice(2));
