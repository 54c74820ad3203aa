// Incremental scans (issue 16 §1): the tick of N users × 10 single strategies once every
// strategy has completed a scan. Per database, on one clone of the seeded users, in one process
// wired like the daemon (bench/incremental-worker.ts; a daemon's ticks run warm):
//   - a first (full) scan, to have positions;
//   - `runs` ticks with nothing new (target ≤ 0.2 s at 1M users);
//   - `runs` ticks, each after 1 000 existing users were rewritten with new attributes through
//     the daemon's bulk import, granting whoever of them newly matches (target ≤ 0.5 s at 1M
//     users, grants included).
// Each tick's time is the scan alone (scanNow). Median and spread (min–max) over the runs.
// Run: npx tsx bench/incremental.bench.ts [--sizes 100k,1m] [--db sqlite,postgresql] [--runs 3]
//      (or npm run bench -- --only incremental)
import type { DatabaseKind } from '../src/config/database-url.ts';
import { round } from './support/machine.ts';
import { benchOptions, isMain, log, type BenchOptions } from './support/options.ts';
import { treeCpuSeconds } from './support/proc.ts';
import { Recorder } from './support/report.ts';
import {
  BenchDatabases,
  benchWorkDir,
  MOCK_KEY,
  spawnTsx,
  startMockGateway,
} from './support/services.ts';
import type { TickResult } from './incremental-worker.ts';

const CHANGED_USERS = 1_000;

export interface IncrementalFigures {
  database: DatabaseKind;
  users: number;
  first: TickResult;
  nothingNew: TickResult[];
  changed: TickResult[];
  /** The nothing-new tick as a full scan (positions deleted), same process and run. */
  fullNothingNew: TickResult[];
  /** The database server's CPU over the whole worker (null: SQLite, in-process). */
  databaseCpuSeconds: number | null;
}

interface WorkerOutput {
  first: TickResult;
  nothingNew: TickResult[];
  changed: TickResult[];
  fullNothingNew: TickResult[];
}

async function runWorker(env: Record<string, string>, timeoutMs: number): Promise<WorkerOutput> {
  const child = spawnTsx('bench/incremental-worker.ts', env);
  let result: WorkerOutput | undefined;
  let pending = '';
  let tail = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7)) as WorkerOutput;
      else tail = `${tail}${line}\n`.slice(-4000);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (tail = `${tail}${chunk.toString()}`.slice(-4000)));
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  if (code !== 0 || !result) throw new Error(`incremental worker failed (exit ${code}):\n${tail}`);
  return result;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const seconds = (ms: number) => round(ms / 1000, 3);
const spread = (ticks: TickResult[]) =>
  `${seconds(Math.min(...ticks.map((t) => t.wallMs)))}–${seconds(Math.max(...ticks.map((t) => t.wallMs)))}`;

export async function runIncrementalBench(
  options: BenchOptions & { runs: number },
): Promise<IncrementalFigures[]> {
  const recorder = new Recorder('incremental', {
    sizes: options.sizes,
    databases: options.databases,
    runs: options.runs,
    changedUsers: CHANGED_USERS,
    strategies: 10,
  });
  const work = benchWorkDir();
  const figures: IncrementalFigures[] = [];
  const mock = await startMockGateway();
  const databases = new BenchDatabases(work.dir);
  try {
    for (const kind of options.databases) {
      for (const users of options.sizes) {
        const seeded = await databases.seeded(kind, users, log);
        const serverPid = databases.serverPid(kind);
        const db = await seeded.clone();
        try {
          await mock.reset();
          log(`${kind} ${users}: first (full) scan, then ${options.runs} + ${options.runs} ticks`);
          const cpuBefore = serverPid ? treeCpuSeconds(serverPid) : 0;
          const output = await runWorker(
            {
              BENCH_DATABASE_URL: db.url,
              BENCH_GATEWAY_URL: mock.url,
              BENCH_GATEWAY_KEY: MOCK_KEY,
              BENCH_RUNS: String(options.runs),
              BENCH_CHANGED_USERS: String(CHANGED_USERS),
            },
            Math.max(180_000, users * 0.8),
          );
          const figure: IncrementalFigures = {
            database: kind,
            users,
            ...output,
            databaseCpuSeconds: serverPid ? treeCpuSeconds(serverPid) - cpuBefore : null,
          };
          log(
            `${kind} ${users}: first ${seconds(output.first.wallMs)} s; nothing new ${output.nothingNew.map((t) => seconds(t.wallMs)).join(', ')} s (full: ${output.fullNothingNew.map((t) => seconds(t.wallMs)).join(', ')} s); ${CHANGED_USERS} changed ${output.changed.map((t) => `${seconds(t.wallMs)} s/${t.summary.granted} grants`).join(', ')}`,
          );
          figures.push(figure);
        } finally {
          await db.drop();
        }
      }
    }
  } finally {
    await mock.stop();
    databases.stop();
    work.remove();
  }
  recorder.table({
    title: `Incremental ticks (10 single strategies; median of ${options.runs} runs, spread min–max)`,
    columns: [
      'database',
      'users',
      'first full scan s',
      'nothing-new tick s',
      'spread s',
      'same, full scan s',
      `${CHANGED_USERS} changed: tick s`,
      'spread s',
      'grants per changed tick',
      'changed tick CPU s',
      'max event-loop delay ms',
    ],
    rows: figures.map((f) => [
      f.database,
      f.users,
      round(f.first.wallMs / 1000, 1),
      seconds(median(f.nothingNew.map((t) => t.wallMs))),
      spread(f.nothingNew),
      seconds(median(f.fullNothingNew.map((t) => t.wallMs))),
      seconds(median(f.changed.map((t) => t.wallMs))),
      spread(f.changed),
      f.changed.map((t) => t.summary.granted).join(' / '),
      round(median(f.changed.map((t) => t.cpuSeconds)), 2),
      Math.max(
        ...f.nothingNew.map((t) => t.eventLoopMaxMs),
        ...f.changed.map((t) => t.eventLoopMaxMs),
      ),
    ]),
  });
  recorder.write(figures);
  return figures;
}

function runsOption(argv = process.argv.slice(2)): number {
  const index = argv.indexOf('--runs');
  const value = index === -1 ? process.env.BENCH_RUNS : argv[index + 1];
  return value === undefined ? 3 : Math.max(1, Number(value));
}

if (isMain(import.meta.url)) {
  const options = benchOptions({ sizes: [100_000] });
  runIncrementalBench({ ...options, runs: runsOption() }).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
