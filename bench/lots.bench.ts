// Credit lots: an expiry run of N lots next to the grant run that made them, wired like the
// daemon (src/runtime.ts, config.yaml defaults) on a fresh SQLite file, the mock gateway in the
// same process. The clock is moved by hand from the grant to the expiry. Prints each run as JSON
// and the medians. Usage: tsx bench/lots.bench.ts [lots] [runs]   (not part of npm test)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startMockGateway } from '../mock-gateway/server.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { ManualClock } from '../src/core/clock.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { buildRuntime } from '../src/runtime.ts';

const LOTS = Number(process.argv[2] ?? 20_000);
const RUNS = Number(process.argv[3] ?? 3);
const KEY = 'bench-lots-key';

/** Runs `work`, sampling the RSS every 50 ms: seconds and the highest RSS in MiB. */
async function measured(work: () => Promise<unknown>) {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  await work();
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return { seconds: (performance.now() - started) / 1000, peakMb: Math.round(peak / 2 ** 20) };
}

async function once() {
  const dir = mkdtempSync(join(tmpdir(), 'qm-lots-bench-'));
  const url = `file:${join(dir, 'bench.db')}`;
  await applyMigrations(url);
  const mock = await startMockGateway({ port: 0, authValue: KEY });
  const config = loadConfig({
    env: {
      ...process.env,
      DATABASE_URL: url,
      AIGATEWAY_URL: mock.url,
      AIGATEWAY_AUTH_VALUE: KEY,
      AIGATEWAY_RECONCILE: 'query',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      QM_CONFIG: 'config.yaml',
    },
    stdoutIsTty: false,
  });
  const clock = new ManualClock(new Date('2026-12-07T00:00:00Z'));
  const runtime = await buildRuntime(config, { migrate: false, clock, interactive: null });
  try {
    const org = 'bench';
    const ids = Array.from({ length: LOTS }, (_, i) => `u${String(i).padStart(7, '0')}`);
    for (let i = 0; i < LOTS; i += 5000)
      await runtime.app.upsertUsers(ids.slice(i, i + 5000).map((id) => ({ id, org })));
    await runtime.app.createStrategy({
      name: 'lots',
      title: 'lots',
      type: 'single',
      amount: 100,
      enabled: true,
      condition: `belong-to("${org}")`,
      expiresAt: new Date('2026-12-10T00:00:00Z'),
    });
    clock.set(new Date('2026-12-07T01:00:00Z'));
    const counted = () => mock.state().deltas;
    const d0 = counted();
    const grant = await measured(() => runtime.app.scanNow());
    const d1 = counted();
    // Half the users spend 30 of their lot: their expiry takes back 70, the others' 100.
    for (let i = 0; i < LOTS; i += 2) mock.consume(ids[i]!, 30);
    clock.set(new Date('2026-12-10T00:00:00Z'));
    const expiry = await measured(() => runtime.app.scanNow());
    const d2 = counted();
    return {
      grant: { ...grant, deltas: d1 - d0 },
      expiry: { ...expiry, deltas: d2 - d1 },
    };
  } finally {
    await runtime.close();
    await mock.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const results: Awaited<ReturnType<typeof once>>[] = [];
for (let run = 0; run < RUNS; run++) {
  const result = await once();
  results.push(result);
  console.log(JSON.stringify({ run, lots: LOTS, ...result }));
}
for (const phase of ['grant', 'expiry'] as const) {
  const seconds = results.map((r) => r[phase].seconds);
  console.log(
    `${phase} of ${LOTS}: median ${median(seconds).toFixed(1)} s (min ${Math.min(...seconds).toFixed(1)}, max ${Math.max(...seconds).toFixed(1)}), gateway deltas ${results[0]![phase].deltas}, peak RSS median ${median(results.map((r) => r[phase].peakMb))} MiB`,
  );
}
