// The ticks of bench/incremental.bench.ts in one process wired like the daemon, because a
// daemon's ticks run in a warm process (a fresh process spends ~0.5 s of its first tick
// compiling queries and code, measured at 10k users). Prints one `RESULT {json}` line.
//   BENCH_DATABASE_URL, BENCH_GATEWAY_URL, BENCH_GATEWAY_KEY   where to scan and grant
//   BENCH_RUNS (3), BENCH_CHANGED_USERS (1000)
// Order: a first (full) scan; BENCH_RUNS ticks with nothing new; then BENCH_RUNS times: rewrite
// BENCH_CHANGED_USERS existing users with a new profile through the daemon's bulk import
// (UserStore.upsertMany on a connection of its own, as an API replica or `users import` would),
// then one tick; last, BENCH_RUNS nothing-new ticks as full scans (positions deleted first), the
// figure incremental ticks replace. Each tick's time is scanNow alone.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { generateUsers } from '../scripts/seed-users.ts';
import { loadConfig } from '../src/config/load-config.ts';
import type { ScanSummary } from '../src/core/model/run-result.ts';
import { openDatabase } from '../src/db/client.ts';
import { createUserStore } from '../src/db/user-store.ts';
import { buildRuntime } from '../src/runtime.ts';

const env = process.env;
const runs = Number(env.BENCH_RUNS ?? 3);
const changedUsers = Number(env.BENCH_CHANGED_USERS ?? 1000);
const config = loadConfig({
  env: {
    ...env,
    DATABASE_URL: env.BENCH_DATABASE_URL,
    AIGATEWAY_URL: env.BENCH_GATEWAY_URL,
    AIGATEWAY_AUTH_VALUE: env.BENCH_GATEWAY_KEY,
    LOG_FORMAT: 'json',
    QM_CONFIG: 'config.yaml',
  },
  stdoutIsTty: false,
});
const runtime = await buildRuntime(config, { migrate: false, interactive: null });
const writer = await openDatabase(config.databaseUrl);
const users = createUserStore(writer);

export interface TickResult {
  wallMs: number;
  cpuSeconds: number;
  eventLoopMaxMs: number;
  summary: Omit<ScanSummary, 'durationMs'>;
  /** Time to write the changed users before the tick (not part of the tick). */
  writeMs?: number;
}

async function tick(): Promise<TickResult> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const { strategies, matched, granted, skipped, failed } = await runtime.app.scanNow();
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  loop.disable();
  return {
    wallMs,
    cpuSeconds: (used.user + used.system) / 1e6,
    eventLoopMaxMs: Math.round(loop.max / 1e4) / 100,
    summary: { strategies, matched, granted, skipped, failed },
  };
}

/** Users [from, from + count) rewritten with the profile of another seed (same ids). */
async function changeUsers(from: number, seed: number): Promise<number> {
  const toDate = (text: string | null) => (text === null ? null : new Date(`${text}Z`));
  const batch = generateUsers(from, from + changedUsers, seed, 'postgresql').map((u) => ({
    id: u.id,
    name: u.name,
    githubUsername: u.githubUsername,
    email: u.email,
    phone: u.phone,
    vip: u.vip,
    org: u.org,
    registerTime: toDate(u.registerTime),
    accessTime: toDate(u.accessTime),
    githubStars: u.stars,
  }));
  const started = performance.now();
  await users.upsertMany(batch);
  return performance.now() - started;
}

const first = await tick();
const nothingNew: TickResult[] = [];
for (let run = 0; run < runs; run++) nothingNew.push(await tick());
const changed: TickResult[] = [];
for (let run = 0; run < runs; run++) {
  // A different slice of the seeded users each run.
  const writeMs = await changeUsers(run * changedUsers * 7, 100 + run);
  changed.push({ ...(await tick()), writeMs });
}
// The same nothing-new tick as a full scan, for comparison in the same run: with the stored
// positions gone every strategy reads every user again (and finds nothing to grant).
const fullNothingNew: TickResult[] = [];
for (let run = 0; run < runs; run++) {
  await writer.db.strategyScanPosition.deleteMany();
  fullNothingNew.push(await tick());
}
await writer.close();
await runtime.close();
process.stdout.write(`RESULT ${JSON.stringify({ first, nothingNew, changed, fullNothingNew })}\n`);
process.exit(0);
