// Benchmark 3 of issue 5: what pushing the condition down to SQL saves. The same first scan
// and the same nothing-new scan, once as the daemon runs them (condition in SQL, ledger
// anti-join in SQL) and once with every condition evaluated in memory on every user without a
// grant (BENCH_PUSH_DOWN=false → MatchingDeps.pushDown). Both must grant exactly the same.
// Run: npm run bench -- --only pushdown [--sizes 100k] [--db sqlite,postgresql]
import type { DatabaseKind } from '../src/config/database-url.ts';
import { round } from './support/machine.ts';
import { benchOptions, isMain, log, type BenchOptions } from './support/options.ts';
import { Recorder } from './support/report.ts';
import { runScanWorker, type ScanRun } from './support/scan-run.ts';
import {
  benchWorkDir,
  seededSqlite,
  startMockGateway,
  startPostgres,
  type PgService,
} from './support/services.ts';

const STRATEGIES = 10;

interface PushDownFigures {
  database: DatabaseKind;
  users: number;
  mode: 'SQL (push-down)' | 'in memory';
  first: ScanRun;
  again: ScanRun;
}

export async function runPushDownBench(options: BenchOptions): Promise<PushDownFigures[]> {
  const recorder = new Recorder('pushdown', { sizes: options.sizes, databases: options.databases });
  const work = benchWorkDir();
  const mock = await startMockGateway();
  const figures: PushDownFigures[] = [];
  let pg: PgService | undefined;
  try {
    for (const kind of options.databases) {
      if (kind === 'postgresql') pg = await startPostgres();
      for (const users of options.sizes) {
        const seeded =
          kind === 'sqlite'
            ? await seededSqlite(users, work.dir, log)
            : await pg!.seeded(users, log);
        for (const pushDown of [true, false]) {
          const database = await seeded.clone();
          try {
            await mock.reset();
            const timeoutMs = Math.max(300_000, users * 3);
            const scan = () =>
              runScanWorker({
                databaseUrl: database.url,
                mock,
                postmasterPid: pg?.postmasterPid,
                pushDown,
                timeoutMs,
              });
            const mode = pushDown ? 'SQL (push-down)' : 'in memory';
            log(`${kind} ${users}: ${mode}: first scan`);
            const first = await scan();
            log(
              `${kind} ${users}: ${mode}: ${first.summary.granted} grants in ${(first.wallMs / 1000).toFixed(1)} s; nothing-new scan`,
            );
            const again = await scan();
            figures.push({ database: kind, users, mode, first, again });
          } finally {
            await database.drop();
          }
        }
      }
    }
  } finally {
    await mock.stop();
    pg?.stop();
    work.remove();
  }
  for (let i = 0; i + 1 < figures.length; i += 2) {
    const [sql, memory] = [figures[i]!, figures[i + 1]!];
    if (sql.first.summary.granted !== memory.first.summary.granted) {
      throw new Error(
        `push-down and in-memory evaluation disagree on ${sql.database}: ${sql.first.summary.granted} vs ${memory.first.summary.granted} grants`,
      );
    }
  }
  const evaluatedPerSecond = (f: PushDownFigures, run: ScanRun) =>
    Math.round((f.users * STRATEGIES) / (run.wallMs / 1000));
  recorder.table({
    title: 'Push-down: the same scans with the condition in SQL and in memory',
    columns: [
      'database',
      'users',
      'evaluated in',
      'grants',
      'first scan s',
      'users evaluated/s',
      'grants/s',
      'scanner CPU s',
      'db server CPU s',
      'peak RSS MB',
      'nothing-new s',
      'nothing-new users evaluated/s',
    ],
    rows: figures.map((f) => [
      f.database,
      f.users,
      f.mode,
      f.first.summary.granted,
      round(f.first.wallMs / 1000, 1),
      evaluatedPerSecond(f, f.first),
      Math.round(f.first.summary.granted / (f.first.wallMs / 1000)),
      round(f.first.cpuSeconds, 1),
      f.first.databaseCpuSeconds === null ? 'in-process' : round(f.first.databaseCpuSeconds, 1),
      Math.round(Math.max(f.first.rssPeakMb, f.again.rssPeakMb)),
      round(f.again.wallMs / 1000, 2),
      evaluatedPerSecond(f, f.again),
    ]),
  });
  recorder.write(figures);
  return figures;
}

if (isMain(import.meta.url)) {
  runPushDownBench(benchOptions({ sizes: [100_000] })).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
