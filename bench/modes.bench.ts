// Grant modes (issue 14): the same first scan as scan.bench.ts (N users × 10 strategies, each
// matching ~2%, against the mock over HTTP) once with the strategies in `add` mode and once in
// `top_up` mode, where every matched user's balance is read before the delta (two reads with
// AIGATEWAY_BALANCE=total_minus_used, the default). The balances start empty, so a top-up sends
// as many deltas as an add: the difference is the price of the reads.
// Run: npx tsx bench/modes.bench.ts [--sizes 100k] [--db sqlite,postgresql]
import { openDatabase } from '../src/db/client.ts';
import { benchOptions, isMain, log } from './support/options.ts';
import { runScanWorker, type ScanRun } from './support/scan-run.ts';
import {
  benchWorkDir,
  seededSqlite,
  startMockGateway,
  startPostgres,
  type PgService,
  type SeededDatabase,
} from './support/services.ts';

type Mode = 'add' | 'top_up';

async function scanIn(
  mode: Mode,
  seeded: SeededDatabase,
  mock: Awaited<ReturnType<typeof startMockGateway>>,
  pg: PgService | undefined,
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
      postmasterPid: pg?.postmasterPid,
      timeoutMs: Math.max(300_000, seeded.users * 2),
    });
  } finally {
    await copy.drop();
  }
}

export async function runModesBench(argv: string[]): Promise<void> {
  const options = benchOptions({ sizes: [100_000] }, argv);
  const work = benchWorkDir();
  const mock = await startMockGateway();
  let pg: PgService | undefined;
  try {
    for (const kind of options.databases) {
      if (kind === 'postgresql') pg = await startPostgres();
      for (const users of options.sizes) {
        const seeded =
          kind === 'sqlite'
            ? await seededSqlite(users, work.dir, log)
            : await pg!.seeded(users, log);
        const runs: Record<Mode, ScanRun> = {
          add: await scanIn('add', seeded, mock, pg),
          top_up: await scanIn('top_up', seeded, mock, pg),
        };
        for (const mode of ['add', 'top_up'] as const) {
          const run = runs[mode];
          const seconds = run.wallMs / 1000;
          log(
            `${kind} ${users} ${mode}: ${run.summary.granted} grants (${run.gatewayDeltas} deltas) in ${seconds.toFixed(1)} s = ` +
              `${Math.round(run.summary.granted / seconds)} grants/s; scanner CPU ${run.cpuSeconds.toFixed(1)} s, ` +
              `gateway CPU ${run.gatewayCpuSeconds.toFixed(1)} s, db CPU ${run.databaseCpuSeconds?.toFixed(1) ?? 'in-process'}, ` +
              `RSS peak ${Math.round(run.rssPeakMb)} MiB, problems ${run.problems.length}`,
          );
        }
        log(
          `${kind} ${users}: top_up takes ${(runs.top_up.wallMs / runs.add.wallMs).toFixed(2)}× the add scan's time`,
        );
      }
    }
  } finally {
    await mock.stop();
    pg?.stop();
    work.remove();
  }
}

if (isMain(import.meta.url)) await runModesBench(process.argv.slice(2));
