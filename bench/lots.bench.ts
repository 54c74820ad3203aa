// Credit lots: an expiry run of N lots next to the grant run that made them, wired like the
// daemon (src/runtime.ts, config.yaml defaults) on a fresh database per run (a SQLite file, or a
// database of a throwaway PostgreSQL cluster / MariaDB server), the mock gateway in the same
// process. The clock is moved by hand from the grant to the expiry. Prints each run as JSON (with
// the load average around it) and the medians with their spread.
// Usage: tsx bench/lots.bench.ts [lots] [runs] [--db sqlite,postgresql,mysql]   (not npm test)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import mariadb from 'mariadb';
import { startMockGateway } from '../mock-gateway/server.ts';
import type { DatabaseKind } from '../src/config/database-url.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { ManualClock } from '../src/core/clock.ts';
import { mysqlConnectionConfig } from '../src/db/driver.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import type { Runtime } from '../src/runtime.ts';
import { buildRuntime } from '../src/runtime.ts';
import { startMariaDbServer, type MariaDbServer } from '../test/support/mariadb-server.ts';
import { startPgCluster, type PgCluster } from '../test/support/pg-cluster.ts';
import { benchOptions } from './support/options.ts';

const positional = process.argv
  .slice(2)
  .filter((a, i, all) => !a.startsWith('--') && !all[i - 1]?.startsWith('--db'));
const LOTS = Number(positional[0] ?? 20_000);
const RUNS = Number(positional[1] ?? 3);
const KEY = 'bench-lots-key';
const { databases } = benchOptions({ sizes: [LOTS] });

/** A fresh database of `kind` per run, on one server per kind started when first needed. */
const servers: { postgresql?: PgCluster; mysql?: MariaDbServer } = {};
let created = 0;
async function freshDatabase(kind: DatabaseKind): Promise<{ url: string; drop: () => void }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'qm-lots-bench-'));
    return {
      url: `file:${join(dir, 'bench.db')}`,
      drop: () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `lots_bench_${process.pid}_${++created}`;
  if (kind === 'postgresql') {
    servers.postgresql ??= await startPgCluster();
    return { url: await servers.postgresql.createDatabase(name), drop: () => undefined };
  }
  servers.mysql ??= await startMariaDbServer();
  const admin = await mariadb.createConnection(mysqlConnectionConfig(servers.mysql.adminUrl));
  await admin.query(`CREATE DATABASE ${name}`).finally(() => admin.end());
  return { url: servers.mysql.urlFor(name), drop: () => undefined };
}

/** Gateway calls the daemon made so far, by operation (the client's request histogram). */
async function gatewayCalls(runtime: Runtime): Promise<Record<string, number>> {
  const metric = await runtime.metrics.registry
    .getSingleMetric('quota_manager_gateway_request_duration_seconds')
    ?.get();
  const calls: Record<string, number> = {};
  for (const value of metric?.values ?? []) {
    const name = (value as { metricName?: string }).metricName ?? '';
    if (!name.endsWith('_count')) continue;
    const operation = String(value.labels.operation);
    calls[operation] = (calls[operation] ?? 0) + value.value;
  }
  return calls;
}

const difference = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));

/** Runs `work`, sampling the RSS every 50 ms: seconds, the highest RSS in MiB, the load. */
async function measured(work: () => Promise<unknown>) {
  const loadBefore = loadavg()[0]!;
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  await work();
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  return {
    seconds: (performance.now() - started) / 1000,
    peakMb: Math.round(peak / 2 ** 20),
    load: [loadBefore, loadavg()[0]!].map((l) => Math.round(l * 10) / 10),
  };
}

async function once(kind: DatabaseKind) {
  const { url, drop } = await freshDatabase(kind);
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
    const c0 = await gatewayCalls(runtime);
    const grant = await measured(() => runtime.app.scanNow());
    const c1 = await gatewayCalls(runtime);
    // Half the users spend 30 of their lot: their expiry takes back 70, the others' 100.
    for (let i = 0; i < LOTS; i += 2) mock.consume(ids[i]!, 30);
    clock.set(new Date('2026-12-10T00:00:00Z'));
    const expiry = await measured(() => runtime.app.scanNow());
    const c2 = await gatewayCalls(runtime);
    const expired = mock.state();
    const left = Object.keys(expired.quotas).filter(
      (id) => Math.round(((expired.quotas[id] ?? 0) - (expired.used[id] ?? 0)) * 100) !== 0,
    ).length;
    if (left !== 0) throw new Error(`${left} users kept quota after every lot expired`);
    return {
      grant: { ...grant, calls: difference(c1, c0) },
      expiry: { ...expiry, calls: difference(c2, c1) },
    };
  } finally {
    await runtime.close();
    await mock.close();
    drop();
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const spread = (values: number[], digits: number) =>
  `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
try {
  for (const kind of databases) {
    const results: Awaited<ReturnType<typeof once>>[] = [];
    for (let run = 0; run < RUNS; run++) {
      const result = await once(kind);
      results.push(result);
      console.log(JSON.stringify({ kind, run, lots: LOTS, ...result }));
    }
    for (const phase of ['grant', 'expiry'] as const) {
      const seconds = results.map((r) => r[phase].seconds);
      const peaks = results.map((r) => r[phase].peakMb);
      const loads = results.flatMap((r) => r[phase].load);
      console.log(
        `${kind} ${phase} of ${LOTS}: median ${median(seconds).toFixed(1)} s (${spread(seconds, 1)}), gateway calls ${JSON.stringify(results[0]![phase].calls)}, peak RSS median ${median(peaks)} MiB (${spread(peaks, 0)}), load ${spread(loads, 1)}`,
      );
    }
  }
} finally {
  servers.postgresql?.stop();
  servers.mysql?.stop();
}
