// One user sync in a process of its own, wired like the daemon (buildRuntime), so its peak RSS
// is the sync's: prints one JSON line with the run's counts, seconds and memory.
// Used by bench/user-sync.bench.ts; argv: <database url> <source url> <full|incremental>.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load-config.ts';
import { buildRuntime } from '../src/runtime.ts';

export interface SyncFigures {
  full: boolean;
  rowsRead: number;
  upserted: number;
  seconds: number;
  rowsPerSecond: number;
  /** RSS once the runtime is built, before the sync (MB). */
  baselineRssMb: number;
  /** The process's peak RSS (getrusage maxrss), MB. */
  peakRssMb: number;
  error: string | null;
}

const [databaseUrl, sourceUrl, mode] = process.argv.slice(2);
const emptyFile = join(tmpdir(), `qm-user-sync-bench-${process.pid}.yaml`);
writeFileSync(emptyFile, '');
const config = loadConfig({
  env: {
    DATABASE_URL: databaseUrl!,
    USER_SOURCE_URL: sourceUrl!,
    USER_SOURCE_QUERY: 'SELECT id, name, email, vip, org, github_username, updated_at FROM people',
    USER_SOURCE_CURSOR: 'updated_at',
    USER_SOURCE_CRON: '0 0 1 1 *',
    LOG_LEVEL: 'error',
  },
  path: emptyFile,
  stdoutIsTty: false,
});
const runtime = await buildRuntime(config);
try {
  const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
  const started = performance.now();
  const run = await (await runtime.app.startUserSync({ full: mode === 'full' })).done;
  const seconds = (performance.now() - started) / 1000;
  const figures: SyncFigures = {
    full: run.full,
    rowsRead: run.rowsRead,
    upserted: run.upserted,
    seconds,
    rowsPerSecond: run.rowsRead / seconds,
    baselineRssMb,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    error: run.error,
  };
  console.log(JSON.stringify(figures));
} finally {
  await runtime.close();
}
