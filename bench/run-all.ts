// `npm run bench`: every benchmark of issue 5 in one go, each printing its tables and writing
// bench/results/<name>-<time>.json (+ <name>-latest.json). Select with
//   npm run bench -- --only scan,pushdown,api --sizes 10k,100k,1m --db sqlite,postgresql
// (or BENCH_ONLY / BENCH_SIZES / BENCH_DB). The sizes apply to the scan benchmark; pushdown
// runs at the smaller of them (default 100k, its in-memory side reads every user ten times) and
// api at the largest (so its scan lasts long enough to measure under). The full default run
// takes about 10 minutes on the 2-core machine (9.1 measured, 1M-user databases already seeded;
// seeding them adds ~20 s each), most of it scanning 1M users and the API phases.
import { runApiBench } from './api.bench.ts';
import { runIncrementalBench } from './incremental.bench.ts';
import { runPushDownBench } from './pushdown.bench.ts';
import { runScanBench } from './scan.bench.ts';
import { benchOptions, log } from './support/options.ts';

const BENCHMARKS = ['scan', 'pushdown', 'api', 'incremental'] as const;

async function main(): Promise<void> {
  const options = benchOptions({ sizes: [10_000, 100_000, 1_000_000] });
  const only = options.only ?? [...BENCHMARKS];
  for (const name of only) {
    if (!(BENCHMARKS as readonly string[]).includes(name))
      throw new Error(`unknown benchmark "${name}" (${BENCHMARKS.join(', ')})`);
  }
  const started = performance.now();
  if (only.includes('scan')) await runScanBench(options);
  if (only.includes('pushdown')) {
    const sized = options.sizes.filter((n) => n <= 100_000);
    await runPushDownBench({
      ...options,
      sizes: [sized.length > 0 ? Math.max(...sized) : Math.min(...options.sizes)],
    });
  }
  if (only.includes('api')) await runApiBench({ ...options, sizes: [Math.max(...options.sizes)] });
  // Ticks after a first scan: nothing new, and 1 000 changed users (3 runs each).
  if (only.includes('incremental')) await runIncrementalBench({ ...options, runs: 3 });
  log(`benchmarks done in ${((performance.now() - started) / 60_000).toFixed(1)} minutes`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
