// The gateway client's own cost (issue 16 §2): delta calls in a tight loop against the bundled
// mock gateway (a separate process over loopback), at the scan's concurrency, through
//   client          the daemon's gateway client as it is in this working tree;
//   baseline        the same client as it was at --baseline <git ref> (its src/gateway is
//                   extracted into a temporary directory), to compare two transports in the same
//                   conditions without keeping the old one in src/;
//   raw-http        bare node:http on keep-alive sockets (bench/support/limits.ts);
//   raw-undici      bare undici Pool.request.
// Each (variant, run) is a fresh process; the variants take turns within each round, so a busy
// neighbour on this shared machine weighs on all of them alike. Reports deltas/s, client CPU ms
// per call (process.cpuUsage around the loop only) and mock CPU ms per call, median (min–max).
// Run: npx tsx bench/gateway-client.bench.ts [--count 100k] [--concurrency 16] [--runs 3]
//        [--baseline <ref>] [--variants client,baseline,raw-http,raw-undici]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayRate } from './support/limits.ts';
import { round } from './support/machine.ts';
import { log, parseCount } from './support/options.ts';
import { Recorder } from './support/report.ts';
import { ROOT, spawnTsx, startMockGateway, type MockGatewayService } from './support/services.ts';

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
}

const count = parseCount(option('count', '100k'));
const concurrency = Number(option('concurrency', '16'));
const runs = Number(option('runs', '3'));
const baseline = option('baseline', '');
const variants = option('variants', baseline ? 'baseline,client' : 'client,raw-http,raw-undici')
  .split(',')
  .map((v) => v.trim());

/** src/gateway at `ref`, in a temporary directory that resolves packages from this checkout. */
function extractGateway(ref: string): { dir: string; remove(): void } {
  const root = mkdtempSync(join(tmpdir(), 'qm-gateway-baseline-'));
  const archive = execFileSync('git', ['archive', ref, 'src/gateway'], { cwd: ROOT });
  execFileSync('tar', ['-x', '-C', root], { input: archive });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  return { dir: join(root, 'src/gateway'), remove: () => rmSync(root, { recursive: true }) };
}

function runWorker(
  mock: MockGatewayService,
  variant: string,
  gatewayDir: string,
): Promise<GatewayRate> {
  const child = spawnTsx('bench/gateway-client-worker.ts', {}, [
    '--variant',
    variant === 'baseline' ? 'client' : variant,
    '--gateway',
    gatewayDir,
    '--url',
    mock.url,
    '--pid',
    String(mock.pid),
    '--count',
    String(count),
    '--concurrency',
    String(concurrency),
  ]);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = output.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || line === undefined)
        reject(new Error(`${variant} worker exited ${code}:\n${output}`));
      else resolve(JSON.parse(line.slice('RESULT '.length)) as GatewayRate);
    });
  });
}

function spread(values: number[], digits: number): string {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  const f = (v: number) => v.toFixed(digits);
  return `${f(median)} (${f(sorted[0]!)}–${f(sorted[sorted.length - 1]!)})`;
}

const recorder = new Recorder('gateway-client', { count, concurrency, runs, baseline, variants });
const extracted = baseline ? extractGateway(baseline) : undefined;
const mock = await startMockGateway();
const results = new Map<string, (GatewayRate & { loadAverage1m: number })[]>();
try {
  for (let run = 1; run <= runs; run++) {
    // Rotate the order each round, so no variant always runs first (or last).
    const order = variants.map((_, i) => variants[(i + run - 1) % variants.length]!);
    for (const variant of order) {
      const dir = variant === 'baseline' ? extracted!.dir : join(ROOT, 'src/gateway');
      const result = await runWorker(mock, variant, dir);
      const loadAverage1m = round(loadavg()[0] ?? 0, 2);
      log(
        `run ${run} ${variant}: ${Math.round(result.perSecond)} deltas/s, client ${result.clientCpuMsPerCall.toFixed(4)} ms CPU/call, mock ${result.mockCpuMsPerCall.toFixed(4)}, load ${loadAverage1m}`,
      );
      results.set(variant, [...(results.get(variant) ?? []), { ...result, loadAverage1m }]);
    }
  }
} finally {
  await mock.stop();
  extracted?.remove();
}

recorder.table({
  title: `Gateway client: ${count} deltas at concurrency ${concurrency}, median (min–max) of ${runs} runs`,
  columns: ['variant', 'deltas/s', 'client CPU ms/call', 'mock CPU ms/call', 'load average 1m'],
  rows: variants.map((variant) => {
    const list = results.get(variant)!;
    return [
      variant === 'baseline' ? `baseline (${baseline})` : variant,
      spread(
        list.map((r) => r.perSecond),
        0,
      ),
      spread(
        list.map((r) => r.clientCpuMsPerCall),
        4,
      ),
      spread(
        list.map((r) => r.mockCpuMsPerCall),
        4,
      ),
      spread(
        list.map((r) => r.loadAverage1m),
        2,
      ),
    ];
  }),
});
recorder.write(Object.fromEntries(results));
