// One scan in a process of its own, wired like the daemon (src/runtime.ts, config.yaml defaults),
// so its memory can be measured alone. Prints one `RESULT {json}` line; log lines go to stdout
// as the daemon's would (the parent counts them). Not run directly: bench/scan.bench.ts and
// bench/pushdown.bench.ts start it.
//   BENCH_DATABASE_URL, BENCH_GATEWAY_URL, BENCH_GATEWAY_KEY   where to scan and grant
//   BENCH_PUSH_DOWN=false                                      evaluate conditions in memory
//   SCAN_PAGE_SIZE, AIGATEWAY_CONCURRENCY, …                   any daemon setting
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { scanSummaryJson } from '../src/contract/serialize.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { buildRuntime } from '../src/runtime.ts';
import { mainThreadCpuSeconds, statusMb } from './support/proc.ts';

const env = process.env;
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

// Wired like the daemon, plus the benchmark-only push-down switch. No API runs here, so no
// interactive gate (as before: nothing to yield to).
const runtime = await buildRuntime(config, {
  migrate: false,
  pushDown: env.BENCH_PUSH_DOWN !== 'false',
  interactive: null,
});
const rssBaselineMb = statusMb('self', 'VmRSS');
let rssSampledPeakMb = rssBaselineMb;
let heapPeakMb = 0;
/** One sample per second: [seconds since start, RSS MiB, heap used MiB, external MiB]. */
const timeline: number[][] = [];
const samplingStarted = performance.now();
let samples = 0;
const sampler = setInterval(() => {
  const memory = process.memoryUsage();
  rssSampledPeakMb = Math.max(rssSampledPeakMb, memory.rss / 2 ** 20);
  heapPeakMb = Math.max(heapPeakMb, memory.heapUsed / 2 ** 20);
  if (samples++ % 20 === 0) {
    const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
    timeline.push([
      Math.round((performance.now() - samplingStarted) / 1000),
      mb(memory.rss),
      mb(memory.heapUsed),
      mb(memory.external),
    ]);
  }
}, 50);

// How long the event loop is held up: what an API request in the same daemon would wait.
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
runtime.metrics.loopStalls.start();
const cpuBefore = process.cpuUsage();
const mainCpuBefore = mainThreadCpuSeconds();
const started = performance.now();
const summary = scanSummaryJson(await runtime.app.scanNow());
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const mainCpu = mainThreadCpuSeconds() - mainCpuBefore;
clearInterval(sampler);
loopDelay.disable();
runtime.metrics.loopStalls.stop();
const ms = (ns: number) => Math.round(ns / 1e4) / 100;

const result = {
  summary,
  wallMs,
  cpuSeconds: (cpu.user + cpu.system) / 1e6,
  mainThreadCpuSeconds: mainCpu,
  workerThread: config.gateway.workerThread,
  rssBaselineMb,
  rssSampledPeakMb,
  rssPeakMb: statusMb('self', 'VmHWM'),
  heapPeakMb,
  timeline,
  eventLoopDelayMs: {
    p50: ms(loopDelay.percentile(50)),
    p99: ms(loopDelay.percentile(99)),
    max: ms(loopDelay.max),
    // The same delay charged to the scan phase that held the loop (src/metrics/loop-stalls.ts).
    byPhase: runtime.metrics.loopStalls.snapshot(),
  },
  pageSize: config.scan.pageSize,
  concurrency: config.gateway.concurrency,
};
await runtime.close();
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
