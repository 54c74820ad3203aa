// Runs bench/scan-worker.ts once against a database and the mock gateway, and collects what
// the worker measured plus what only the parent can see: the mock's and PostgreSQL's CPU time,
// and how many log lines the scan wrote at each level.
import type { scanSummaryJson } from '../../src/contract/serialize.ts';
import { cpuSeconds, treeCpuSeconds } from './proc.ts';
import { MOCK_KEY, spawnTsx, startScriptNodeFlags, type MockGatewayService } from './services.ts';

export interface WorkerResult {
  summary: ReturnType<typeof scanSummaryJson>;
  wallMs: number;
  /** The whole process, every thread. */
  cpuSeconds: number;
  /** The main thread alone (the event loop the scan runs on). */
  mainThreadCpuSeconds: number;
  /** gateway.worker_thread was on. */
  workerThread: boolean;
  rssBaselineMb: number;
  rssSampledPeakMb: number;
  rssPeakMb: number;
  heapPeakMb: number;
  /** [seconds, RSS MiB, heap used MiB, external MiB], one per second. */
  timeline: number[][];
  /** Event-loop delay while scanning (monitorEventLoopDelay, 5 ms resolution). */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  pageSize: number;
  concurrency: number;
}

export interface ScanRun extends WorkerResult {
  gatewayCpuSeconds: number;
  /** PostgreSQL server processes; null for SQLite (in-process). */
  databaseCpuSeconds: number | null;
  logLines: Record<string, number>;
  /** The first few warn/error lines, to show what went wrong. */
  problems: string[];
  gatewayDeltas: number;
}

export interface ScanRunOptions {
  databaseUrl: string;
  mock: MockGatewayService;
  postmasterPid?: number;
  pushDown?: boolean;
  /** Extra daemon settings (SCAN_PAGE_SIZE, AIGATEWAY_CONCURRENCY, …). */
  env?: Record<string, string>;
  /** Whole-run limit; the worker is killed and the run fails past it. */
  timeoutMs: number;
  /** The checkout whose bench/scan-worker.ts (and so whose src/) runs the scan; default this one. */
  cwd?: string;
}

export async function runScanWorker(options: ScanRunOptions): Promise<ScanRun> {
  const { mock } = options;
  const deltasBefore = (await mock.state()).deltas;
  const gatewayCpuBefore = cpuSeconds(mock.pid);
  const dbCpuBefore = options.postmasterPid ? treeCpuSeconds(options.postmasterPid) : 0;
  const child = spawnTsx(
    'bench/scan-worker.ts',
    {
      ...options.env,
      BENCH_DATABASE_URL: options.databaseUrl,
      BENCH_GATEWAY_URL: mock.url,
      BENCH_GATEWAY_KEY: MOCK_KEY,
      BENCH_PUSH_DOWN: options.pushDown === false ? 'false' : 'true',
    },
    [],
    // The daemon's own node flags (its heap limit): the scanning process is measured as it ships.
    startScriptNodeFlags(),
    options.cwd,
  );
  const logLines: Record<string, number> = {};
  const problems: string[] = [];
  let result: WorkerResult | undefined;
  let tail = '';
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7)) as WorkerResult;
      else {
        const level = /"level":"(\w+)"/.exec(line)?.[1] ?? 'other';
        logLines[level] = (logLines[level] ?? 0) + 1;
        if ((level === 'error' || level === 'warn') && problems.length < 5)
          problems.push(line.slice(0, 1000));
        tail = `${tail}${line}\n`.slice(-4000);
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    tail = `${tail}${chunk.toString()}`.slice(-4000);
  });
  // Sample the PostgreSQL tree while the scan runs: backends that exit take their CPU time along.
  let dbCpuPeak = dbCpuBefore;
  const dbSampler = options.postmasterPid
    ? setInterval(
        () => (dbCpuPeak = Math.max(dbCpuPeak, treeCpuSeconds(options.postmasterPid!))),
        500,
      )
    : undefined;
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  if (dbSampler) clearInterval(dbSampler);
  if (code !== 0 || !result) throw new Error(`scan worker failed (exit ${code}):\n${tail}`);
  const dbCpuAfter = options.postmasterPid
    ? Math.max(dbCpuPeak, treeCpuSeconds(options.postmasterPid))
    : 0;
  return {
    ...result,
    gatewayCpuSeconds: cpuSeconds(mock.pid) - gatewayCpuBefore,
    databaseCpuSeconds: options.postmasterPid ? dbCpuAfter - dbCpuBefore : null,
    logLines,
    problems,
    gatewayDeltas: (await mock.state()).deltas - deltasBefore,
  };
}
