// A/B of the first full scan between checkouts (or settings), interleaved: on a shared machine
// the load drifts over minutes, so each round runs every variant once, in turn, on a fresh copy
// of the same seeded database against the same mock gateway, and the figures are compared per
// round. Only the scan is timed (no raw limits), so a round at 100k users takes ~15 s per variant.
//
//   npx tsx bench/scan-ab.ts --sizes 100k --db sqlite --runs 3 \
//     --variants base=/tmp/base,lever=.           (each a checkout with node_modules and src/db/generated)
//   a variant may add settings: lever=.?AIGATEWAY_CONCURRENCY=32&NODE_OPTIONS=--max-old-space-size=1024
//
// Prints, per variant, the median (min–max) of wall time, scanner CPU, mock CPU, database server
// CPU and peak RSS, and per later variant its ratio to the first, round by round; writes the
// JSON to bench/results/scan-ab-*.json.
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { round } from './support/machine.ts';
import { benchOptions, log } from './support/options.ts';
import { Recorder } from './support/report.ts';
import { runScanWorker, type ScanRun } from './support/scan-run.ts';
import { benchWorkDir, BenchDatabases, startMockGateway } from './support/services.ts';

interface Variant {
  name: string;
  dir: string;
  env: Record<string, string>;
}

function parseVariants(text: string | undefined): Variant[] {
  if (text === undefined) throw new Error('--variants name=dir[?K=V&K=V],name=dir… is required');
  return text.split(',').map((spec) => {
    const [name, rest] = spec.split('=', 2) as [string, string | undefined];
    if (!name || rest === undefined) throw new Error(`not a variant: "${spec}" (name=dir)`);
    const eq = spec.indexOf('=');
    const [dir, query] = spec.slice(eq + 1).split('?', 2) as [string, string | undefined];
    const env = Object.fromEntries(
      (query ?? '')
        .split('&')
        .filter(Boolean)
        .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    );
    return { name, dir: resolve(dir), env };
  });
}

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const spread = (values: number[], digits: number) =>
  `${round(median(values), digits)} (${round(Math.min(...values), digits)}–${round(Math.max(...values), digits)})`;

interface Sample {
  database: string;
  users: number;
  variant: string;
  round: number;
  load: number;
  run: ScanRun;
}

const options = benchOptions({ sizes: [100_000] });
const variants = parseVariants(argument('variants'));
const runs = Number(argument('runs') ?? 3);
const recorder = new Recorder('scan-ab', {
  sizes: options.sizes,
  databases: options.databases,
  runs,
  variants,
});
const work = benchWorkDir();
const mock = await startMockGateway();
const databases = new BenchDatabases(work.dir);
const samples: Sample[] = [];
try {
  for (const kind of options.databases) {
    for (const users of options.sizes) {
      const seeded = await databases.seeded(kind, users, log);
      for (let r = 0; r < runs; r++) {
        // Alternate which variant goes first, so neither always runs right after seeding.
        const order = r % 2 === 0 ? variants : [...variants].reverse();
        for (const variant of order) {
          const copy = await seeded.clone();
          try {
            await mock.reset();
            const load = loadavg()[0]!;
            const run = await runScanWorker({
              databaseUrl: copy.url,
              mock,
              postmasterPid: databases.serverPid(kind),
              timeoutMs: Math.max(180_000, users * 0.6),
              cwd: variant.dir,
              env: variant.env,
            });
            if (run.gatewayDeltas !== run.summary.granted)
              throw new Error(
                `${variant.name}: ${run.gatewayDeltas} deltas for ${run.summary.granted} grants`,
              );
            samples.push({
              database: kind,
              users,
              variant: variant.name,
              round: r,
              load: (load + loadavg()[0]!) / 2,
              run,
            });
            log(
              `${kind} ${users} round ${r + 1} ${variant.name}: ${run.summary.granted} grants in ${(run.wallMs / 1000).toFixed(2)} s, CPU ${run.cpuSeconds.toFixed(1)} s, RSS ${Math.round(run.rssPeakMb)} MB, load ${load.toFixed(1)}`,
            );
          } finally {
            await copy.drop();
          }
        }
      }
      const first = variants[0]!;
      recorder.table({
        title: `${kind}, ${users} users: first scan, ${runs} interleaved rounds, median (min–max)`,
        columns: [
          'variant',
          'wall s',
          'ratio to ' + first.name + ' (per round)',
          'scanner CPU s',
          'CPU ratio (per round)',
          'mock CPU s',
          'db server CPU s',
          'peak RSS MB',
          'load avg',
        ],
        rows: variants.map((variant) => {
          const here = samples.filter((s) => s.database === kind && s.users === users);
          const mine = here.filter((s) => s.variant === variant.name);
          const baseOf = (s: Sample) =>
            here.find((b) => b.variant === first.name && b.round === s.round)!.run;
          const ratios = mine.map((s) => s.run.wallMs / baseOf(s).wallMs);
          const cpuRatios = mine.map((s) => s.run.cpuSeconds / baseOf(s).cpuSeconds);
          const db = mine.map((s) => s.run.databaseCpuSeconds);
          return [
            variant.name,
            spread(
              mine.map((s) => s.run.wallMs / 1000),
              2,
            ),
            spread(ratios, 3),
            spread(
              mine.map((s) => s.run.cpuSeconds),
              1,
            ),
            spread(cpuRatios, 3),
            spread(
              mine.map((s) => s.run.gatewayCpuSeconds),
              1,
            ),
            db[0] === null ? 'in-process' : spread(db as number[], 1),
            spread(
              mine.map((s) => s.run.rssPeakMb),
              0,
            ),
            spread(
              mine.map((s) => s.load),
              1,
            ),
          ];
        }),
      });
    }
  }
} finally {
  await mock.stop();
  databases.stop();
  work.remove();
}
recorder.write(samples.map((s) => ({ ...s, run: { ...s.run, timeline: undefined } })));
