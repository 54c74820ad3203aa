// The user sync (issue 25 §3): a first, full sync of N source rows (default 1 000 000) from a
// PostgreSQL source into a SQLite database, then an incremental run after 1 000 of them
// changed. Each sync runs in its own process (bench/user-sync-worker.ts), so the peak RSS
// printed is the syncing process's. The source is a throwaway cluster (test/support).
// Run: npx tsx bench/user-sync.bench.ts [rows, default 1000000] [repetitions, default 3]
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { benchWorkDir, ROOT, startPostgres } from './support/services.ts';
import type { SyncFigures } from './user-sync-worker.ts';

const CHANGED = 1_000;

async function sql(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function sync(databaseUrl: string, sourceUrl: string, mode: 'full' | 'incremental'): SyncFigures {
  const worker = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'bench/user-sync-worker.ts', databaseUrl, sourceUrl, mode],
    { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const line = worker.stdout.trim().split('\n').at(-1) ?? '';
  if (worker.status !== 0 || !line.startsWith('{'))
    throw new Error(`worker failed (${worker.status}): ${worker.stderr.slice(-2000)}`);
  return JSON.parse(line) as SyncFigures;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const summary = (xs: number[], digits = 0) =>
  `median ${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

async function main(): Promise<void> {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const repetitions = Number(process.argv[3] ?? 3);
  const postgres = await startPostgres();
  const work = benchWorkDir();
  try {
    const source = postgres.cluster.urlFor('postgres');
    await sql(
      source,
      `CREATE TABLE people (id text PRIMARY KEY, name text, email text, vip int, org text,
         github_username text, updated_at timestamptz NOT NULL);
       INSERT INTO people SELECT 'user-' || lpad(g::text, 8, '0'), 'Name ' || g,
         'u' || g || '@example.org', g % 5, 'org-' || (g % 50), 'gh-' || g,
         timestamptz '2026-01-01' + g * interval '1 second'
       FROM generate_series(1, ${rows}) g;
       CREATE INDEX people_updated_at ON people (updated_at); ANALYZE people;`,
    );
    console.log(`${rows} source rows (PostgreSQL) → SQLite; load ${loadavg()[0]!.toFixed(2)}`);
    const full: SyncFigures[] = [];
    const incremental: SyncFigures[] = [];
    for (let i = 0; i < repetitions; i++) {
      const database = `file:${join(work.dir, `sync-${i}.db`)}`;
      const first = sync(database, source, 'full');
      full.push(first);
      await sql(
        source,
        `UPDATE people SET vip = vip + 1, updated_at = now()
         WHERE id IN (SELECT id FROM people ORDER BY random() LIMIT ${CHANGED})`,
      );
      const next = sync(database, source, 'incremental');
      incremental.push(next);
      for (const [what, f] of [
        ['full', first],
        ['incremental', next],
      ] as const)
        console.log(
          `run ${i + 1} ${what.padEnd(11)} ${String(f.rowsRead).padStart(8)} rows ${f.seconds.toFixed(2)} s ` +
            `${Math.round(f.rowsPerSecond)} rows/s, RSS ${f.baselineRssMb.toFixed(0)} MB → peak ${f.peakRssMb.toFixed(0)} MB` +
            (f.error ? `, error: ${f.error}` : ''),
        );
    }
    console.log(
      `full:        ${summary(
        full.map((f) => f.seconds),
        1,
      )} s, ${summary(full.map((f) => f.rowsPerSecond))} rows/s, peak RSS ${summary(full.map((f) => f.peakRssMb))} MB`,
    );
    console.log(
      `incremental: ${summary(
        incremental.map((f) => f.seconds),
        2,
      )} s (${incremental[0]!.rowsRead} rows read), peak RSS ${summary(incremental.map((f) => f.peakRssMb))} MB`,
    );
    console.log(`load at the end ${loadavg()[0]!.toFixed(2)}`);
  } finally {
    postgres.stop();
    work.remove();
  }
}

await main();
