// Benchmark 4 of issue 5: the REST API of a running daemon (a child process, `src/main.ts`, as
// deployed) under concurrent strategy creates and reads, without and then with a scan running
// in the same daemon. Two shapes of load per phase:
//   closed — 8 clients back to back: the throughput the daemon sustains, and its latency at
//            saturation (mostly queueing);
//   open   — a steady 100 requests/s: the latency an operator's tooling sees.
// The target (p99 ≤ 20 ms while a scan runs) is read on the open load.
// Run: npm run bench -- --only api [--sizes 1m] [--db sqlite,postgresql]
import { randomBytes } from 'node:crypto';
import type { DatabaseKind } from '../src/config/database-url.ts';
import { freePort } from '../test/support/pg-cluster.ts';
import {
  closedLoad,
  LoadClient,
  openLoad,
  type LoadResult,
  type Request,
} from './support/http-load.ts';
import { round } from './support/machine.ts';
import {
  byPhase,
  gcPauses,
  memoryBreakdown,
  scrapeMetrics,
  type Sample,
} from './support/metrics-scrape.ts';
import { benchOptions, isMain, log, type BenchOptions } from './support/options.ts';
import { cpuSeconds, statusMb } from './support/proc.ts';
import { Recorder } from './support/report.ts';
import {
  benchWorkDir,
  MOCK_KEY,
  seededSqlite,
  spawnTsx,
  startMockGateway,
  startPostgres,
  startScriptNodeFlags,
  waitForHttp,
  type PgService,
} from './support/services.ts';

const CLOSED_CLIENTS = 8;
const OPEN_RATE = 100;
const PHASE_SECONDS = 15;
const LOOP_DELAY = 'quota_manager_event_loop_delay_seconds';
const DAEMON_NODE_OPTIONS = process.env.BENCH_DAEMON_NODE_OPTIONS ?? '';
/**
 * The daemon's node flags: those of `npm start` unless BENCH_DAEMON_NODE_FLAGS replaces them
 * (set it empty to measure without). Flags on the command line win over NODE_OPTIONS.
 */
const DAEMON_NODE_FLAGS =
  process.env.BENCH_DAEMON_NODE_FLAGS?.split(' ').filter(Boolean) ?? startScriptNodeFlags();
/** BENCH_DAEMON_ENV_<NAME>=value sets <NAME> for the daemon only (e.g. MALLOC_ARENA_MAX). */
const DAEMON_ENV = Object.fromEntries(
  Object.entries(process.env)
    .filter(([name]) => name.startsWith('BENCH_DAEMON_ENV_'))
    .map(([name, value]) => [name.slice('BENCH_DAEMON_ENV_'.length), value ?? '']),
);

interface Phase {
  database: DatabaseKind;
  users: number;
  phase: string;
  scanRunning: boolean;
  /** True when the scan ended before the phase did (its figures then mix both states). */
  scanEndedEarly: boolean;
  load: LoadResult;
}

interface ApiFigures {
  phases: Phase[];
  scans: {
    database: DatabaseKind;
    users: number;
    seconds: number;
    summary: unknown;
    daemonPeakRssMb: number;
    daemonCpuSeconds: number;
    /** /metrics scraped every 2 s during the scan: the breakdown at the highest RSS seen. */
    memoryAtPeak: ReturnType<typeof memoryBreakdown> | null;
    /** Event-loop delay by scan phase over the daemon's life (src/metrics/loop-stalls.ts). */
    loopDelayByPhase: ReturnType<typeof byPhase>;
    /** The same, during the open load with the scan running only (the p99 that matters). */
    openLoadLoopDelayByPhase: ReturnType<typeof byPhase> | null;
    openLoadGcPauses: ReturnType<typeof gcPauses> | null;
    sqliteStatementsByPhase: ReturnType<typeof byPhase>;
    gcPauses: ReturnType<typeof gcPauses>;
    /** The daemon's "slow SQLite statement" log lines (the first 40). */
    slowStatements: string[];
  }[];
}

function requests(existing: number[]): () => Request {
  let n = 0;
  const run = randomBytes(3).toString('hex');
  return () => {
    n++;
    if (n % 2 === 1 || existing.length === 0) {
      return {
        op: 'create',
        method: 'POST',
        path: '/api/v1/strategies',
        body: {
          name: `api-bench-${run}-${n}`,
          title: 'API benchmark',
          type: 'single',
          amount: 1,
          condition: 'and(is-vip(5), belong-to("org-01"))',
          enabled: false,
        },
        onAnswer: (json) => void existing.push((json as { id: number }).id),
      };
    }
    const id = existing[Math.floor(Math.random() * existing.length)]!;
    return { op: 'read', method: 'GET', path: `/api/v1/strategies/${id}` };
  };
}

async function measureDatabase(
  kind: DatabaseKind,
  users: number,
  context: { workDir: string; pg?: PgService },
): Promise<ApiFigures> {
  const seeded =
    kind === 'sqlite'
      ? await seededSqlite(users, context.workDir, log)
      : await context.pg!.seeded(users, log);
  const database = await seeded.clone();
  const mock = await startMockGateway();
  const port = await freePort();
  const token = `bench-${randomBytes(16).toString('hex')}`;
  const daemon = spawnTsx(
    'src/main.ts',
    {
      DATABASE_URL: database.url,
      HOST: '127.0.0.1',
      PORT: String(port),
      ADMIN_TOKEN: token,
      AIGATEWAY_URL: mock.url,
      AIGATEWAY_AUTH_VALUE: MOCK_KEY,
      SCAN_CRON: '0 0 1 1 *', // no tick during the benchmark; the scan is started through the API
      API_RATE_LIMIT_PER_MINUTE: '0', // the limiter would answer 429 to a load generator
      LOG_FORMAT: 'json',
      QM_CONFIG: 'config.yaml',
      // V8 flags for the daemon only (e.g. --max-semi-space-size=8), to measure what they give.
      ...(DAEMON_NODE_OPTIONS ? { NODE_OPTIONS: DAEMON_NODE_OPTIONS } : {}),
      ...DAEMON_ENV,
    },
    [],
    DAEMON_NODE_FLAGS,
  );
  let output = '';
  const slowStatements: string[] = [];
  daemon.stdout!.on('data', (c: Buffer) => {
    output = (output + c.toString()).slice(-20_000);
    for (const line of c.toString().split('\n'))
      if (line.includes('slow SQLite statement') && slowStatements.length < 40)
        slowStatements.push(line);
  });
  daemon.stderr!.on('data', (c: Buffer) => (output = (output + c.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  const client = new LoadClient(url, { authorization: `Bearer ${token}` }, 64);
  const phases: Phase[] = [];
  const figures: ApiFigures = { phases, scans: [] };
  try {
    await waitForHttp(`${url}/readyz`, daemon, () => output, 120_000);
    const ids: number[] = [];
    const next = requests(ids);
    const record = (
      phase: string,
      scanRunning: boolean,
      load: LoadResult,
      scanEndedEarly = false,
    ) => {
      phases.push({ database: kind, users, phase, scanRunning, scanEndedEarly, load });
      log(
        `${kind} api ${phase}: ${Math.round(load.perSecond)} req/s, p99 ${Object.entries(load.ops)
          .map(([op, s]) => `${op} ${s.p99.toFixed(1)} ms`)
          .join(', ')}, errors ${load.errors}`,
      );
    };
    // Warm-up (JIT, Prisma's query compiler, sockets), not recorded.
    await closedLoad(client, CLOSED_CLIENTS, 3, next);
    record(
      `closed, ${CLOSED_CLIENTS} clients`,
      false,
      await closedLoad(client, CLOSED_CLIENTS, PHASE_SECONDS, next),
    );
    record(`open, ${OPEN_RATE}/s`, false, await openLoad(client, OPEN_RATE, PHASE_SECONDS, next));

    log(`${kind} api: starting a scan of ${users} users through POST /api/v1/strategies/scan`);
    const cpuBefore = cpuSeconds(daemon.pid!);
    let scanDone = false;
    let scanSummary: unknown;
    const scanStarted = performance.now();
    const scan = client
      .send(
        {
          op: 'scan',
          method: 'POST',
          path: '/api/v1/strategies/scan',
          onAnswer: (json) => void (scanSummary = json),
        },
        30 * 60_000,
      )
      .then((answer) => {
        scanDone = true;
        if (answer.status !== 200)
          throw new Error(`scan answered ${answer.status}: ${answer.error ?? ''}\n${output}`);
        return (performance.now() - scanStarted) / 1000;
      });
    // Where the memory is at the peak: /metrics every 2 s (a scrape is one more light request).
    let peak: Sample[] | null = null;
    const rssOf = (m: Sample[] | null) =>
      m?.find((x) => x.name === 'process_resident_memory_bytes')?.value ?? 0;
    const scraper = setInterval(() => {
      scrapeMetrics(url).then(
        (m) => {
          if (rssOf(m) > rssOf(peak)) peak = m;
        },
        () => undefined,
      );
    }, 2000);
    const stopScraper = () => clearInterval(scraper);
    void scan.then(stopScraper, stopScraper);
    await new Promise((r) => setTimeout(r, 1000));
    const closed = await closedLoad(client, CLOSED_CLIENTS, PHASE_SECONDS, next, () => scanDone);
    record(`closed, ${CLOSED_CLIENTS} clients`, true, closed, scanDone);
    let openWindow: { before: Sample[]; after: Sample[] } | null = null;
    if (!scanDone) {
      const before = await scrapeMetrics(url);
      const open = await openLoad(client, OPEN_RATE, PHASE_SECONDS, next, () => scanDone);
      openWindow = { before, after: await scrapeMetrics(url) };
      record(`open, ${OPEN_RATE}/s`, true, open, scanDone);
    }
    const seconds = await scan;
    const last = await scrapeMetrics(url);
    figures.scans.push({
      database: kind,
      users,
      seconds,
      summary: scanSummary,
      daemonPeakRssMb: statusMb(daemon.pid!, 'VmHWM'),
      daemonCpuSeconds: cpuSeconds(daemon.pid!) - cpuBefore,
      memoryAtPeak: peak && memoryBreakdown(peak),
      loopDelayByPhase: byPhase(last, 'quota_manager_event_loop_delay_seconds'),
      openLoadLoopDelayByPhase:
        openWindow && byPhase(openWindow.after, LOOP_DELAY, byPhase(openWindow.before, LOOP_DELAY)),
      openLoadGcPauses: openWindow && gcPauses(openWindow.after, gcPauses(openWindow.before)),
      sqliteStatementsByPhase: byPhase(last, 'quota_manager_sqlite_statement_seconds'),
      gcPauses: gcPauses(last),
      slowStatements,
    });
    log(`${kind} api: the scan took ${seconds.toFixed(1)} s`);
  } finally {
    client.close();
    if (daemon.exitCode === null) daemon.kill('SIGTERM');
    await new Promise((r) => (daemon.exitCode === null ? daemon.once('exit', r) : r(undefined)));
    await mock.stop();
    await database.drop();
  }
  return figures;
}

export async function runApiBench(options: BenchOptions): Promise<ApiFigures> {
  const users = Math.max(...options.sizes);
  const recorder = new Recorder('api', {
    users,
    databases: options.databases,
    closedClients: CLOSED_CLIENTS,
    openRate: OPEN_RATE,
    phaseSeconds: PHASE_SECONDS,
    daemonNodeFlags: DAEMON_NODE_FLAGS,
    daemonNodeOptions: DAEMON_NODE_OPTIONS,
    daemonEnv: DAEMON_ENV,
  });
  const work = benchWorkDir();
  const all: ApiFigures = { phases: [], scans: [] };
  let pg: PgService | undefined;
  try {
    for (const kind of options.databases) {
      if (kind === 'postgresql') pg = await startPostgres();
      const figures = await measureDatabase(kind, users, { workDir: work.dir, pg });
      all.phases.push(...figures.phases);
      all.scans.push(...figures.scans);
    }
  } finally {
    pg?.stop();
    work.remove();
  }
  const ms = (value: number | undefined) => (value === undefined ? null : round(value, 1));
  recorder.table({
    title: `API under load: strategy create (POST) and read (GET), daemon as a child process, ${users.toLocaleString('en-US')} users`,
    columns: [
      'database',
      'load',
      'scan running',
      'req/s',
      'create p50 ms',
      'create p99 ms',
      'read p50 ms',
      'read p99 ms',
      'max ms',
      'errors',
    ],
    rows: all.phases.map((p) => [
      p.database,
      p.phase,
      p.scanRunning ? (p.scanEndedEarly ? 'yes (ended during phase)' : 'yes') : 'no',
      Math.round(p.load.perSecond),
      ms(p.load.ops.create?.p50),
      ms(p.load.ops.create?.p99),
      ms(p.load.ops.read?.p50),
      ms(p.load.ops.read?.p99),
      ms(Math.max(...Object.values(p.load.ops).map((o) => o.max))),
      p.load.errors,
    ]),
  });
  recorder.table({
    title: 'The scan that ran during the API load',
    columns: ['database', 'users', 'scan s', 'daemon CPU s', 'daemon peak RSS MB'],
    rows: all.scans.map((s) => [
      s.database,
      s.users,
      round(s.seconds, 1),
      round(s.daemonCpuSeconds, 1),
      Math.round(s.daemonPeakRssMb),
    ]),
  });
  recorder.table({
    title:
      'Event-loop delay by scan phase (timer ticks late by > 10 / 50 / 250 ms), SQLite statements',
    columns: ['database', 'phase', 'ticks', '> 10 ms', '> 50 ms', '> 250 ms', 'statements > 50 ms'],
    rows: all.scans.flatMap((s) =>
      Object.entries(s.loopDelayByPhase).map(([phase, d]) => [
        s.database,
        phase,
        d.count,
        d.over10ms,
        d.over50ms,
        d.over250ms,
        s.sqliteStatementsByPhase[phase]?.over50ms ?? null,
      ]),
    ),
  });
  recorder.table({
    title: 'Daemon memory at its RSS peak during the scan (MB, from /metrics)',
    columns: ['database', 'RSS', 'heap used', 'heap total', 'external', 'outside V8', 'code space'],
    rows: all.scans.map((s) => {
      const m = s.memoryAtPeak;
      return [
        s.database,
        m?.rssMb ?? null,
        m?.heapUsedMb ?? null,
        m?.heapTotalMb ?? null,
        m?.externalMb ?? null,
        m?.outsideV8Mb ?? null,
        m?.spaces.code_space?.sizeMb ?? null,
      ];
    }),
  });
  recorder.write(all);
  return all;
}

if (isMain(import.meta.url)) {
  runApiBench(benchOptions({ sizes: [1_000_000] })).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
