// Fast synthetic users for benchmarks and load tests: `npx tsx scripts/seed-users.ts --users 1000000
// --database-url file:./data/bench.db`. Writes straight to the database with batched multi-row
// statements inside transactions (SQLite: prepared multi-row INSERTs through better-sqlite3;
// PostgreSQL: INSERT … SELECT FROM unnest(arrays), thousands of rows per statement), because the
// API path (one upsert per user) is built for correctness, not for a million rows.
//
// The data is deterministic for a given --seed, and shaped like an operator's user table:
//   vip        0..5, most users at 0 (55%) and 2% at level 5
//   org        50 organisations with a skewed (Zipf-like) popularity, 20% of users with none
//   register   2022-01-01 .. 2026-11-01, 4% NULL; access after registration, 12% NULL
//   stars      0..3 repositories per user (40/30/20/10%), from 100 repositories, skewed
// BENCH_CONDITIONS (below) are ten conditions that each match about 2% of such users.
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import Sqlite from 'better-sqlite3';
import mariadb from 'mariadb';
import pg from 'pg';
import { databaseKind } from '../src/config/database-url.ts';
import { mysqlConnectionConfig, sqlitePath } from '../src/db/driver.ts';
import { applyMigrations } from '../src/db/migrate.ts';

export const ORG_COUNT = 50;
export const REPO_COUNT = 100;
export const orgName = (index: number) => `org-${String(index).padStart(2, '0')}`;
export const repoName = (index: number) => `zgsm-ai/repo-${String(index).padStart(3, '0')}`;
/**
 * `u` + 8 hex digits of a bijective 32-bit mix of the index: unique, and in an order unrelated
 * to insertion order, as real ids (UUIDs, hashes, numbers compared as text) are. Sequential ids
 * would make every id-ordered scan read the table front to back, flattering the benchmark.
 */
export function userId(index: number): string {
  let x = index >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x45d9f3b) >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  return `u${x.toString(16).padStart(8, '0')}`;
}

/**
 * Ten realistic conditions, each matching about 2% of the seeded users (the benchmark prints
 * the exact share). Together they exercise every pushed-down predicate.
 */
export const BENCH_CONDITIONS: readonly { name: string; condition: string }[] = [
  { name: 'top-vip', condition: 'is-vip(5)' },
  { name: 'org-09', condition: 'belong-to("org-09")' },
  { name: 'stars-repo-009', condition: 'github-star("zgsm-ai/repo-009")' },
  { name: 'recent-signups', condition: 'register-after("2026-09-25")' },
  { name: 'early-vips', condition: 'and(is-vip(2), register-before("2022-06-01"))' },
  { name: 'dormant-vips', condition: 'and(is-vip(1), access-before("2023-05-01"))' },
  { name: 'org-trio-vips', condition: 'and(belong-to("org-00", "org-01", "org-02"), is-vip(3))' },
  {
    name: 'stargazer-vips',
    condition:
      'and(github-star("zgsm-ai/repo-000", "zgsm-ai/repo-001", "zgsm-ai/repo-002"), is-vip(3))',
  },
  {
    name: 'small-orgs-active',
    condition: 'and(belong-to("org-30", "org-31", "org-32", "org-33"), access-after("2025-08-01"))',
  },
  {
    name: 'niche-or',
    condition:
      'or(github-star("zgsm-ai/repo-060", "zgsm-ai/repo-061"), and(belong-to("org-20"), not(is-vip(1))))',
  },
];

export interface SeedUser {
  id: string;
  name: string;
  githubUsername: string;
  email: string;
  phone: string | null;
  vip: number;
  org: string | null;
  /** Already in the provider's text form (see timestamp()). */
  registerTime: string | null;
  accessTime: string | null;
  stars: string[];
}

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cumulative weights → index sampler. */
function sampler(weights: number[]): (u: number) => number {
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const w of weights) cumulative.push((sum += w / total));
  return (u) => {
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (u < cumulative[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

const VIP_WEIGHTS = [55, 20, 12, 7, 4, 2];
/** Zipf-like with a gentle exponent: org-00 ≈ 6.5%, org-09 ≈ 2%, org-49 ≈ 0.8% of users with an org. */
const ORG_WEIGHTS = Array.from({ length: ORG_COUNT }, (_, k) => 1 / (k + 1) ** 0.55);
const REPO_WEIGHTS = Array.from({ length: REPO_COUNT }, (_, k) => 1 / (k + 2) ** 0.75);
const STAR_COUNT_WEIGHTS = [40, 30, 20, 10];
const REGISTER_FROM = Date.UTC(2022, 0, 1);
const REGISTER_TO = Date.UTC(2026, 10, 1);

/**
 * Prisma's DateTime text on SQLite (`…T…+00:00`); PostgreSQL's timestamp(3) takes the UTC wall
 * time; MySQL's DATETIME(3) the same wall time with a space, its canonical literal.
 */
export type TimestampStyle = 'sqlite' | 'postgresql' | 'mysql';

const DAY_MS = 86_400_000;
const dayTexts = new Map<number, string>();
const pad = (value: number, width: number) => String(value).padStart(width, '0');

/** `toISOString()` is most of the generation time; only the date part needs the calendar. */
function timestamp(ms: number, style: TimestampStyle): string {
  const day = Math.floor(ms / DAY_MS);
  let date = dayTexts.get(day);
  if (date === undefined)
    dayTexts.set(day, (date = new Date(day * DAY_MS).toISOString().slice(0, 10)));
  const rest = ms - day * DAY_MS;
  const time = `${pad(Math.floor(rest / 3_600_000), 2)}:${pad(Math.floor(rest / 60_000) % 60, 2)}:${pad(Math.floor(rest / 1000) % 60, 2)}.${pad(rest % 1000, 3)}`;
  if (style === 'mysql') return `${date} ${time}`;
  return `${date}T${time}${style === 'sqlite' ? '+00:00' : ''}`;
}

/** Users `from` .. `to - 1` (each user depends only on the seed and its index). */
export function generateUsers(
  from: number,
  to: number,
  seed: number,
  style: TimestampStyle,
): SeedUser[] {
  const vipOf = sampler(VIP_WEIGHTS);
  const orgOf = sampler(ORG_WEIGHTS);
  const repoOf = sampler(REPO_WEIGHTS);
  const starCountOf = sampler(STAR_COUNT_WEIGHTS);
  const users: SeedUser[] = [];
  for (let i = from; i < to; i++) {
    const next = prng(seed * 0x9e3779b1 + i);
    const id = userId(i);
    const register =
      next() < 0.04 ? null : REGISTER_FROM + Math.floor(next() * (REGISTER_TO - REGISTER_FROM));
    const accessBase = register ?? REGISTER_FROM;
    const access =
      next() < 0.12 ? null : accessBase + Math.floor(next() * (REGISTER_TO - accessBase));
    const stars = new Set<string>();
    const starCount = starCountOf(next());
    while (stars.size < starCount) stars.add(repoName(repoOf(next())));
    users.push({
      id,
      name: `User ${i}`,
      githubUsername: `gh${i.toString(36)}`,
      email: `user${i}@example.com`,
      phone: next() < 0.3 ? null : `+86 13${String(Math.floor(next() * 1e9)).padStart(9, '0')}`,
      vip: vipOf(next()),
      org: next() < 0.2 ? null : orgName(orgOf(next())),
      registerTime: register === null ? null : timestamp(register, style),
      accessTime: access === null ? null : timestamp(access, style),
      stars: [...stars],
    });
  }
  return users;
}

export interface SeedResult {
  users: number;
  stars: number;
  seconds: number;
  usersPerSecond: number;
}

export interface SeedOptions {
  users: number;
  seed?: number;
  /** First user index (default 0), so a table can be grown in steps. */
  from?: number;
  onProgress?: (done: number) => void;
}

/**
 * Takes the next user change sequence value (src/db/change-sequence.ts): every transaction
 * that writes users stamps them with one, or incremental scans would never read them.
 */
const BUMP_CHANGE_COUNTER = `INSERT INTO change_counter (id, value) VALUES (1, 1)
  ON CONFLICT (id) DO UPDATE SET value = change_counter.value + 1 RETURNING value`;

const USER_COLUMNS = [
  'id',
  'name',
  'github_username',
  'email',
  'phone',
  'vip',
  'org',
  'register_time',
  'access_time',
  'created_at',
  'updated_at',
  'change_seq',
];

/** One user's values in USER_COLUMNS order (the row-by-row seeders: SQLite, MariaDB). */
function userValues(u: SeedUser, now: string, changeSeq: number | bigint) {
  return [
    u.id,
    u.name,
    u.githubUsername,
    u.email,
    u.phone,
    u.vip,
    u.org,
    u.registerTime,
    u.accessTime,
    now,
    now,
    changeSeq,
  ];
}

export async function seedUsers(databaseUrl: string, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const kind = databaseKind(databaseUrl);
  const stars =
    kind === 'sqlite'
      ? seedSqlite(sqlitePath(databaseUrl), options)
      : kind === 'mysql'
        ? await seedMysql(databaseUrl, options)
        : await seedPostgres(databaseUrl, options);
  const seconds = (performance.now() - started) / 1000;
  return { users: options.users, stars, seconds, usersPerSecond: options.users / seconds };
}

/** Users per transaction. */
const SQLITE_TX_USERS = 50_000;

/**
 * One prepared single-row INSERT run in a loop inside a transaction: with better-sqlite3 that
 * measured faster than 200-row multi-row INSERTs (2.9 s against 3.6 s per 100k users with every
 * index in place), because the statement is compiled once and no flat parameter arrays are
 * built. Into an empty table the secondary indexes are dropped first and rebuilt at the end
 * (one sort instead of 100k random B-tree inserts per index: ~3x faster overall).
 */
function seedSqlite(path: string, options: SeedOptions): number {
  const db = new Sqlite(path);
  try {
    db.pragma('journal_mode = WAL');
    // Seeding is restartable from scratch, so it does not need to survive an OS crash.
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -262144'); // 256 MiB
    // Every star row names a user written just before it; checking that per row costs a lookup.
    db.pragma('foreign_keys = OFF');
    const now = timestamp(Date.now(), 'sqlite');
    const insertUser = db.prepare(
      `INSERT INTO user_info (${USER_COLUMNS.join(',')}) VALUES (${USER_COLUMNS.map(() => '?').join(',')})`,
    );
    const insertStar = db.prepare('INSERT INTO user_github_star (user_id, repo) VALUES (?, ?)');
    const bump = db.prepare(BUMP_CHANGE_COUNTER);
    const writeChunk = db.transaction((users: SeedUser[]) => {
      let starCount = 0;
      // One change sequence value per transaction, as the daemon's bulk import takes.
      const { value: changeSeq } = bump.get() as { value: number | bigint };
      for (const u of users) {
        insertUser.run(...userValues(u, now, changeSeq));
      }
      for (const u of users) {
        for (const repo of u.stars) insertStar.run(u.id, repo);
        starCount += u.stars.length;
      }
      return starCount;
    });

    const empty = db.prepare('SELECT NOT EXISTS (SELECT 1 FROM user_info) AS empty').get() as {
      empty: number;
    };
    // Explicit indexes only (sql IS NOT NULL); primary keys and UNIQUE constraints stay.
    const indexes = empty.empty
      ? (db
          .prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('user_info', 'user_github_star') AND sql IS NOT NULL",
          )
          .all() as { name: string; sql: string }[])
      : [];
    for (const index of indexes) db.exec(`DROP INDEX "${index.name}"`);

    let stars = 0;
    try {
      const from = options.from ?? 0;
      const to = from + options.users;
      for (let start = from; start < to; start += SQLITE_TX_USERS) {
        const end = Math.min(to, start + SQLITE_TX_USERS);
        stars += writeChunk(generateUsers(start, end, options.seed ?? 1, 'sqlite'));
        options.onProgress?.(end - from);
      }
    } finally {
      for (const index of indexes) db.exec(index.sql);
    }
    db.exec('ANALYZE');
    return stars;
  } finally {
    db.close();
  }
}

const PG_BATCH_USERS = 10_000;
/** Two connections: one builds the next batch's rows while the server stores the previous one. */
const PG_CONNECTIONS = 2;

async function seedPostgres(url: string, options: SeedOptions): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: PG_CONNECTIONS });
  try {
    const now = timestamp(Date.now(), 'postgresql');
    const from = options.from ?? 0;
    const to = from + options.users;
    let nextStart = from;
    let done = 0;
    let stars = 0;
    // As for SQLite: into an empty table, build the secondary indexes once at the end.
    const { rows: emptyRows } = await pool.query<{ empty: boolean }>(
      'SELECT NOT EXISTS (SELECT 1 FROM user_info) AS empty',
    );
    const indexes = emptyRows[0]!.empty
      ? (
          await pool.query<{ name: string; definition: string }>(`
          SELECT indexname AS name, indexdef AS definition FROM pg_indexes
          WHERE schemaname = current_schema() AND tablename IN ('user_info', 'user_github_star')
            AND indexname NOT IN (SELECT conname FROM pg_constraint)`)
        ).rows
      : [];
    for (const index of indexes) await pool.query(`DROP INDEX "${index.name}"`);
    const worker = async () => {
      const client = await pool.connect();
      try {
        // Same durability trade-off as SQLite's synchronous=OFF, for this session only.
        await client.query('SET synchronous_commit = off');
        while (nextStart < to) {
          const start = nextStart;
          const end = Math.min(to, start + PG_BATCH_USERS);
          nextStart = end;
          const users = generateUsers(start, end, options.seed ?? 1, 'postgresql');
          const column = <K extends keyof SeedUser>(key: K) => users.map((u) => u[key]);
          const starUsers = users.flatMap((u) => u.stars.map(() => u.id));
          const starRepos = users.flatMap((u) => u.stars);
          await client.query('BEGIN');
          // The counter's row lock orders this batch among all user writers (by commit).
          const bumped = await client.query<{ value: string }>(BUMP_CHANGE_COUNTER);
          await client.query(
            `INSERT INTO user_info (${USER_COLUMNS.join(',')})
             SELECT id, name, gh, email, phone, vip, org, reg, acc, $10::timestamp(3), $10::timestamp(3), $11::bigint
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::timestamp(3)[], $9::timestamp(3)[])
               AS t(id, name, gh, email, phone, vip, org, reg, acc)`,
            [
              column('id'),
              column('name'),
              column('githubUsername'),
              column('email'),
              column('phone'),
              column('vip'),
              column('org'),
              column('registerTime'),
              column('accessTime'),
              now,
              bumped.rows[0]!.value,
            ],
          );
          await client.query(
            'INSERT INTO user_github_star (user_id, repo) SELECT * FROM unnest($1::text[], $2::text[])',
            [starUsers, starRepos],
          );
          await client.query('COMMIT');
          stars += starRepos.length;
          done += end - start;
          options.onProgress?.(done);
        }
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    };
    try {
      await Promise.all(Array.from({ length: PG_CONNECTIONS }, worker));
    } finally {
      await Promise.all(indexes.map((index) => pool.query(index.definition)));
    }
    // As autovacuum would soon: statistics for the planner, and a visibility map so the
    // scanner's index-only reads need not visit the table.
    await pool.query('VACUUM ANALYZE user_info');
    await pool.query('VACUUM ANALYZE user_github_star');
    return stars;
  } finally {
    await pool.end();
  }
}

const MYSQL_BATCH_USERS = 5_000;

/**
 * MariaDB/MySQL: one prepared INSERT run over a whole batch with the connector's `batch()`, which
 * sends it as one bulk command (MariaDB's COM_STMT_BULK_EXECUTE), one transaction per batch. The
 * secondary indexes stay: InnoDB buffers their changes, and dropping them would need the
 * migration's exact definitions to restore.
 */
async function seedMysql(url: string, options: SeedOptions): Promise<number> {
  const connection = await mariadb.createConnection(mysqlConnectionConfig(url));
  try {
    // Same durability trade-off as the other seeders: a failed seed is restarted from scratch.
    await connection.query('SET SESSION unique_checks = 0, foreign_key_checks = 0');
    const now = timestamp(Date.now(), 'mysql');
    const placeholders = USER_COLUMNS.map(() => '?').join(',');
    const from = options.from ?? 0;
    const to = from + options.users;
    let stars = 0;
    for (let start = from; start < to; start += MYSQL_BATCH_USERS) {
      const end = Math.min(to, start + MYSQL_BATCH_USERS);
      const users = generateUsers(start, end, options.seed ?? 1, 'mysql');
      const starRows = users.flatMap((u) => u.stars.map((repo) => [u.id, repo]));
      await connection.beginTransaction();
      // The counter's row lock orders this batch among all user writers (by commit).
      await connection.query(
        'INSERT INTO change_counter (id, value) VALUES (1, 1) ON DUPLICATE KEY UPDATE value = value + 1',
      );
      const [counter] = await connection.query<{ value: number | bigint }[]>(
        'SELECT value FROM change_counter WHERE id = 1',
      );
      const changeSeq = counter!.value;
      await connection.batch(
        `INSERT INTO user_info (${USER_COLUMNS.join(',')}) VALUES (${placeholders})`,
        users.map((u) => userValues(u, now, changeSeq)),
      );
      if (starRows.length > 0)
        await connection.batch(
          'INSERT INTO user_github_star (user_id, repo) VALUES (?, ?)',
          starRows,
        );
      await connection.commit();
      stars += starRows.length;
      options.onProgress?.(end - from);
    }
    await connection.query('ANALYZE TABLE user_info, user_github_star');
    return stars;
  } finally {
    await connection.end();
  }
}

function parseArgs(argv: string[]): {
  url: string;
  users: number;
  seed: number;
  from: number;
  migrate: boolean;
} {
  const args = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const [key, inline] = arg.slice(2).split('=', 2) as [string, string | undefined];
    if (key === 'migrate') args.set(key, 'true');
    else args.set(key, inline ?? argv[++i] ?? '');
  }
  const count = (text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text);
    if (!match) throw new Error(`not a count: ${text}`);
    return Math.round(Number(match[1]) * ({ k: 1e3, m: 1e6 }[match[2]!.toLowerCase()] ?? 1));
  };
  const url = args.get('database-url') ?? process.env.DATABASE_URL;
  if (!url) throw new Error('--database-url (or DATABASE_URL) is required');
  return {
    url,
    users: count(args.get('users'), 10_000),
    seed: count(args.get('seed'), 1),
    from: count(args.get('from'), 0),
    migrate: args.has('migrate'),
  };
}

async function main(): Promise<void> {
  const { url, users, seed, from, migrate } = parseArgs(process.argv.slice(2));
  if (migrate || (databaseKind(url) === 'sqlite' && !existsSync(sqlitePath(url))))
    await applyMigrations(url);
  let last = 0;
  const result = await seedUsers(url, {
    users,
    seed,
    from,
    onProgress: (done) => {
      if (done - last >= 100_000 || done === users) {
        last = done;
        process.stderr.write(`seed-users: ${done} / ${users}\n`);
      }
    },
  });
  console.log(
    `seed-users: ${result.users} users and ${result.stars} stars in ${result.seconds.toFixed(1)} s ` +
      `(${Math.round(result.usersPerSecond).toLocaleString('en-US')} users/s)`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`seed-users: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
