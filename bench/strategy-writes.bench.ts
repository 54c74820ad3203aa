// Strategy writes one after another, through the use cases the API calls, without HTTP and
// without a scan (issue 28, lever 4): what a write costs the process and the database by
// itself. Round trips show up in the wall time of each write (the process waits for every
// one); the CPU per write is what the process spends on them. Run from each checkout to compare
// (bench/README.md §21):
//
//   npx tsx bench/strategy-writes.bench.ts [--db sqlite,postgresql,mysql] [--writes 300]
import { systemClock } from '../src/core/clock.ts';
import { createStrategy } from '../src/core/use-cases/create-strategy.ts';
import { deleteStrategy } from '../src/core/use-cases/manage-strategy.ts';
import { patchStrategy } from '../src/core/use-cases/update-strategy.ts';
import { strategyTag } from '../src/core/model/strategy-tag.ts';
import { openDatabase } from '../src/db/client.ts';
import { createStrategyStore } from '../src/db/strategy-store.ts';
import { round } from './support/machine.ts';
import { benchOptions, isMain, log } from './support/options.ts';
import { Recorder } from './support/report.ts';
import { benchWorkDir, BenchDatabases } from './support/services.ts';

const OPERATIONS = ['create', 'patch', 'patch If-Match', 'delete'] as const;
type Operation = (typeof OPERATIONS)[number];

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? undefined : process.argv[index + 1];
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function measure(url: string, writes: number) {
  const database = await openDatabase(url);
  const deps = {
    strategies: createStrategyStore(database),
    clock: systemClock,
    defaultTimeZone: 'UTC',
    actor: { name: 'bench', requestId: 'bench-request' },
  };
  const wall: Record<Operation, number[]> = {
    create: [],
    patch: [],
    'patch If-Match': [],
    delete: [],
  };
  const cpu: Record<Operation, number> = {
    create: 0,
    patch: 0,
    'patch If-Match': 0,
    delete: 0,
  };
  const timed = async <T>(operation: Operation | null, run: () => Promise<T>): Promise<T> => {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = await run();
    if (operation) {
      wall[operation].push(performance.now() - started);
      const used = process.cpuUsage(cpuBefore);
      cpu[operation] += used.user + used.system;
    }
    return result;
  };
  try {
    const warmUp = 50;
    for (let i = 0; i < warmUp + writes; i++) {
      const measured = i >= warmUp;
      const created = await timed(measured ? 'create' : null, () =>
        createStrategy(deps, {
          name: `writes-${process.pid}-${i}`,
          title: 'Strategy writes benchmark',
          type: 'single',
          amount: 5,
          condition: 'and(is-vip(5), belong-to("org-01"))',
          enabled: false,
        }),
      );
      const patched = await timed(measured ? 'patch' : null, () =>
        patchStrategy(deps, created.id, { amount: 6 }),
      );
      await timed(measured ? 'patch If-Match' : null, () =>
        patchStrategy(deps, created.id, { title: 'Retitled' }, [strategyTag(patched)]),
      );
      await timed(measured ? 'delete' : null, () => deleteStrategy(deps, created.id));
    }
  } finally {
    await database.close();
  }
  return OPERATIONS.map((operation) => {
    const sorted = [...wall[operation]].sort((a, b) => a - b);
    return {
      operation,
      p50: quantile(sorted, 0.5),
      p99: quantile(sorted, 0.99),
      cpuMsPerWrite: cpu[operation] / 1000 / writes,
    };
  });
}

export async function runStrategyWritesBench(): Promise<void> {
  const options = benchOptions({ sizes: [1000] });
  const writes = Number(argument('writes') ?? 300);
  const recorder = new Recorder('strategy-writes', { databases: options.databases, writes });
  const work = benchWorkDir();
  const databases = new BenchDatabases(work.dir);
  const rows: (string | number)[][] = [];
  try {
    for (const kind of options.databases) {
      const seeded = await databases.seeded(kind, 1000, log);
      const clone = await seeded.clone();
      try {
        for (const r of await measure(clone.url, writes))
          rows.push([
            kind,
            r.operation,
            round(r.p50, 2),
            round(r.p99, 2),
            round(r.cpuMsPerWrite, 3),
          ]);
      } finally {
        await clone.drop();
      }
    }
  } finally {
    databases.stop();
    work.remove();
  }
  recorder.table({
    title: `Strategy writes one at a time through the use cases (${writes} each, after 50 unrecorded)`,
    columns: ['database', 'write', 'p50 ms', 'p99 ms', 'process CPU ms per write'],
    rows,
  });
  recorder.write({ rows });
}

if (isMain(import.meta.url)) {
  runStrategyWritesBench().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
