// Benchmarks 1, 2 and 5 of issue 5, in one run per database:
//   1. scan throughput — N users × 10 strategies (each matching ~2%), a first full scan against
//      the mock gateway (a separate process, over HTTP), then the same scan again when nobody
//      new matches; users evaluated/s, grants/s, wall time, peak RSS of the scanning process;
//   2. limits — raw ledger inserts into the same database and raw delta calls to the same mock,
//      measured right after the scan; headline = scan grants/s ÷ min(the two);
//   5. growth — the same figures across sizes (linear time, flat memory).
// Run: npm run bench -- --only scan [--sizes 10k,100k,1m] [--db sqlite,postgresql,mysql]
import type { DatabaseKind } from '../src/config/database-url.ts';
import {
  clientGatewayRate,
  rawGatewayRate,
  rawLedgerInsertRate,
  type GatewayRate,
  type RateMeasurement,
} from './support/limits.ts';
import { round } from './support/machine.ts';
import { benchOptions, isMain, log, type BenchOptions } from './support/options.ts';
import { Recorder } from './support/report.ts';
import { runScanWorker, type ScanRun } from './support/scan-run.ts';
import {
  benchWorkDir,
  BenchDatabases,
  startMockGateway,
  type SeededDatabase,
} from './support/services.ts';

const STRATEGIES = 10;
const CONCURRENCY = 16; // the daemon's default gateway concurrency (config.yaml)

export interface ScanFigures {
  database: DatabaseKind;
  users: number;
  seedSeconds: number;
  seedUsersPerSecond: number;
  seedCached: boolean;
  first: ScanRun;
  again: ScanRun;
  rawInsert: RateMeasurement;
  rawGateway: GatewayRate;
  clientGateway: GatewayRate;
  /** scan grants/s ÷ min(raw insert/s, raw gateway/s). */
  ratio: number;
  /**
   * With AIGATEWAY_RECONCILE=query (the default) every grant is a read and a delta: the same
   * raw loop sending both per grant, and the scan against it. Null with reconciliation off.
   */
  rawGrantProtocol: GatewayRate | null;
  protocolRatio: number | null;
}

/** The scan worker inherits this process's environment, so this is the setting it runs with. */
const readsBeforeDelta = process.env.AIGATEWAY_RECONCILE !== 'off';

const perSecond = (count: number, ms: number) => (ms > 0 ? count / (ms / 1000) : 0);

async function measure(
  seeded: SeededDatabase,
  context: { mock: Awaited<ReturnType<typeof startMockGateway>>; serverPid?: number },
): Promise<ScanFigures> {
  const { mock } = context;
  const users = seeded.users;
  // Generous bounds: a scan that takes longer than this has failed its target many times over.
  const timeoutMs = Math.max(120_000, users * 0.6);
  const scanned = await seeded.clone();
  let first: ScanRun;
  let again: ScanRun;
  try {
    await mock.reset();
    log(`${seeded.kind} ${users}: first scan`);
    first = await runScanWorker({
      databaseUrl: scanned.url,
      mock,
      postmasterPid: context.serverPid,
      timeoutMs,
    });
    log(
      `${seeded.kind} ${users}: ${first.summary.granted} grants in ${(first.wallMs / 1000).toFixed(1)} s; scanning again (nothing new)`,
    );
    again = await runScanWorker({
      databaseUrl: scanned.url,
      mock,
      postmasterPid: context.serverPid,
      timeoutMs,
    });
    log(`${seeded.kind} ${users}: nothing-new scan in ${(again.wallMs / 1000).toFixed(1)} s`);
  } finally {
    await scanned.drop();
  }
  const grants = Math.max(first.summary.granted, 1000);
  const limitsDb = await seeded.clone();
  let rawInsert: RateMeasurement;
  try {
    rawInsert = await rawLedgerInsertRate(limitsDb, grants, 120);
  } finally {
    await limitsDb.drop();
  }
  log(`${seeded.kind} ${users}: raw ledger insert ${Math.round(rawInsert.perSecond)}/s`);
  const rawGateway = await rawGatewayRate(mock, grants, CONCURRENCY, 90);
  const clientGateway = await clientGatewayRate(mock, Math.min(grants, 100_000), CONCURRENCY, 60);
  const rawGrantProtocol = readsBeforeDelta
    ? await rawGatewayRate(mock, grants, CONCURRENCY, 90, true)
    : null;
  await mock.reset();
  log(
    `${seeded.kind} ${users}: raw gateway ${Math.round(rawGateway.perSecond)}/s, through the client ${Math.round(clientGateway.perSecond)}/s`,
  );
  const scanRate = perSecond(first.summary.granted, first.wallMs);
  return {
    database: seeded.kind,
    users,
    seedSeconds: seeded.seed.seconds,
    seedUsersPerSecond: seeded.seed.usersPerSecond,
    seedCached: seeded.seed.cached,
    first,
    again,
    rawInsert,
    rawGateway,
    clientGateway,
    ratio: scanRate / Math.min(rawInsert.perSecond, rawGateway.perSecond),
    rawGrantProtocol,
    protocolRatio: rawGrantProtocol
      ? scanRate / Math.min(rawInsert.perSecond, rawGrantProtocol.perSecond)
      : null,
  };
}

export async function runScanBench(options: BenchOptions): Promise<ScanFigures[]> {
  const recorder = new Recorder('scan', {
    sizes: options.sizes,
    databases: options.databases,
    strategies: STRATEGIES,
    concurrency: CONCURRENCY,
  });
  const work = benchWorkDir();
  const figures: ScanFigures[] = [];
  const mock = await startMockGateway();
  const databases = new BenchDatabases(work.dir);
  try {
    for (const kind of options.databases) {
      for (const users of options.sizes) {
        const seeded = await databases.seeded(kind, users, log);
        figures.push(await measure(seeded, { mock, serverPid: databases.serverPid(kind) }));
      }
    }
  } finally {
    await mock.stop();
    databases.stop();
    work.remove();
  }

  recorder.table({
    title: 'Scan throughput (first full scan, 10 strategies, mock gateway over HTTP)',
    columns: [
      'database',
      'users',
      'grants',
      'wall s',
      'users evaluated/s',
      'grants/s',
      'peak RSS MB',
      'scanner CPU s',
      'mock CPU s',
      'db server CPU s',
      'nothing-new scan s',
    ],
    rows: figures.map((f) => [
      f.database,
      f.users,
      f.first.summary.granted,
      round(f.first.wallMs / 1000, 1),
      Math.round(perSecond(f.users * STRATEGIES, f.first.wallMs)),
      Math.round(perSecond(f.first.summary.granted, f.first.wallMs)),
      Math.round(f.first.rssPeakMb),
      round(f.first.cpuSeconds, 1),
      round(f.first.gatewayCpuSeconds, 1),
      f.first.databaseCpuSeconds === null ? 'in-process' : round(f.first.databaseCpuSeconds, 1),
      round(f.again.wallMs / 1000, 2),
    ]),
  });
  recorder.table({
    title: 'Limits measured in the same run, and the headline ratio',
    columns: [
      'database',
      'users',
      'scan grants/s',
      '(a) raw ledger inserts/s',
      '(b) raw gateway deltas/s',
      'client loop deltas/s',
      'ratio scan ÷ min(a, b)',
      "(c) raw read + delta grants/s (RECONCILE=query's protocol)",
      'scan ÷ min(a, c)',
    ],
    rows: figures.map((f) => [
      f.database,
      f.users,
      Math.round(perSecond(f.first.summary.granted, f.first.wallMs)),
      Math.round(f.rawInsert.perSecond),
      Math.round(f.rawGateway.perSecond),
      Math.round(f.clientGateway.perSecond),
      `${Math.round(f.ratio * 100)}%`,
      f.rawGrantProtocol ? Math.round(f.rawGrantProtocol.perSecond) : 'off',
      f.protocolRatio === null ? 'off' : `${Math.round(f.protocolRatio * 100)}%`,
    ]),
  });
  recorder.table({
    title: 'Growth (first scan; memory is the scanning process, sampled, and its VmHWM)',
    columns: [
      'database',
      'users',
      'wall s',
      'µs per user×strategy',
      'nothing-new s',
      'RSS before MB',
      'peak RSS MB',
      'peak − before MB',
      'log lines',
    ],
    rows: figures.map((f) => [
      f.database,
      f.users,
      round(f.first.wallMs / 1000, 1),
      round((f.first.wallMs * 1000) / (f.users * STRATEGIES), 2),
      round(f.again.wallMs / 1000, 2),
      Math.round(f.first.rssBaselineMb),
      Math.round(f.first.rssPeakMb),
      Math.round(f.first.rssPeakMb - f.first.rssBaselineMb),
      Object.values(f.first.logLines).reduce((a, b) => a + b, 0),
    ]),
  });
  recorder.table({
    title: 'Seeding (scripts/seed-users.ts)',
    columns: ['database', 'users', 'seconds', 'users/s', 'when'],
    rows: figures.map((f) => [
      f.database,
      f.users,
      round(f.seedSeconds, 1),
      Math.round(f.seedUsersPerSecond),
      f.seedCached ? 'earlier run (cached file)' : 'this run',
    ]),
  });
  recorder.write(figures);
  return figures;
}

if (isMain(import.meta.url)) {
  runScanBench(benchOptions({ sizes: [10_000, 100_000, 1_000_000] })).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
