// What a benchmark run needs around the code under test: the mock gateway as its own process,
// a throwaway PostgreSQL cluster and MariaDB server, and seeded databases that can be cloned so
// every measured run starts from the same state (SQLite: a file copy; PostgreSQL: CREATE
// DATABASE … TEMPLATE; MariaDB: a table-by-table copy). Seeded SQLite files are cached in bench/.cache, keyed by everything that shapes them.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mariadb from 'mariadb';
import pg from 'pg';
import { BENCH_CONDITIONS, seedUsers, type SeedResult } from '../../scripts/seed-users.ts';
import { openDatabase } from '../../src/db/client.ts';
import type { DatabaseKind } from '../../src/config/database-url.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { startMariaDbServer, type MariaDbServer } from '../../test/support/mariadb-server.ts';
import { freePort, startPgCluster, type PgCluster } from '../../test/support/pg-cluster.ts';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CACHE_DIR = join(ROOT, 'bench/.cache');
export const MOCK_KEY = 'bench-mock-key';
export const ADMIN_PATH = '/v1/chat/completions/quota';

/** Every child process we start, so an interrupted run does not leave them behind. */
const children = new Set<ChildProcess>();
function killChildren(): void {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killChildren();
    process.exit(130);
  });
}

export interface ChildService {
  readonly url: string;
  readonly pid: number;
  /** The output kept so far (a closure over it, so it can be passed on its own). */
  readonly output: () => string;
  stop(): Promise<void>;
}

/**
 * `BENCH_CPU_PROF_DIR=dir` writes a V8 CPU profile of every benchmarked process to `dir`
 * (Node refuses --cpu-prof in NODE_OPTIONS, so it has to be passed here): the profiles behind
 * the "where the time goes" figures in bench/README.md.
 */
function profilingArgs(): string[] {
  const dir = process.env.BENCH_CPU_PROF_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

export function spawnTsx(
  script: string,
  env: Record<string, string>,
  args: string[] = [],
  nodeFlags: string[] = [],
  /** Another checkout to run `script` from (bench/scan-ab.ts compares two); default this one. */
  cwd: string = ROOT,
): ChildProcess {
  const nodeArgs = [...profilingArgs(), ...nodeFlags, '--import', 'tsx', script, ...args];
  const child = spawn(process.execPath, nodeArgs, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/**
 * The node flags `npm start` gives the daemon (package.json "start": `node <flags> --import tsx
 * src/main.ts`), so a benchmark measures the daemon as it ships. Fails loudly if the script
 * takes another shape rather than measure something else.
 */
export function startScriptNodeFlags(): string[] {
  const start: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start;
  const match = /^node((?: --[\w-]+(?:=\S+)?)*) --import tsx src\/main\.ts$/.exec(start);
  if (match === null) throw new Error(`package.json "start" has an unexpected shape: ${start}`);
  return match[1]!.trim().split(' ').filter(Boolean);
}

/** Polls `url` until it answers (any status) or the deadline passes. */
export async function waitForHttp(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`process exited (${child.exitCode}) before ${url} answered:\n${output()}`);
    try {
      await fetch(url);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${output()}`);
}

function service(child: ChildProcess, url: string, keepOutput: number): ChildService {
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-keepOutput);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    pid: child.pid!,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface MockGatewayService extends ChildService {
  reset(): Promise<void>;
  state(): Promise<{ deltas: number; idempotent_replays: number; quotas: Record<string, number> }>;
}

/** The bundled mock gateway as a separate process (npm run mock-gateway), on a free port. */
export async function startMockGateway(): Promise<MockGatewayService> {
  const port = await freePort();
  const child = spawnTsx('mock-gateway/main.ts', {
    MOCK_GATEWAY_PORT: String(port),
    MOCK_GATEWAY_AUTH_VALUE: MOCK_KEY,
  });
  const url = `http://127.0.0.1:${port}`;
  const base = service(child, url, 20_000);
  await waitForHttp(`${url}/__mock/state`, child, base.output);
  const control = async (method: string, path: string) => {
    const send = () =>
      fetch(`${url}/__mock/${path}`, { method, headers: { 'x-admin-key': MOCK_KEY } });
    // A pooled connection idle past the mock's keep-alive timeout (a long raw-insert phase)
    // can be closed by the mock just as it is reused: one retry on a fresh connection.
    const response = await send().catch(send);
    if (!response.ok) throw new Error(`mock ${path}: HTTP ${response.status}`);
    return response.json();
  };
  return {
    ...base,
    reset: async () => {
      await control('POST', 'reset');
    },
    state: () => control('GET', 'state'),
  };
}

/** A database the benchmark may change; `drop` deletes it. */
export interface BenchDatabase {
  readonly kind: DatabaseKind;
  readonly url: string;
  drop(): Promise<void>;
}

export interface SeededDatabase {
  readonly kind: DatabaseKind;
  readonly users: number;
  /** How the users got there (cached: seconds is the original seeding time). */
  readonly seed: SeedResult & { cached: boolean };
  /** A fresh copy with the users and the ten strategies, and an empty ledger. */
  clone(): Promise<BenchDatabase>;
}

/** The ten benchmark strategies: single, 10 each, in UTC. */
async function createStrategies(url: string): Promise<void> {
  const database = await openDatabase(url);
  try {
    const now = new Date();
    for (const { name, condition } of BENCH_CONDITIONS) {
      await database.db.quotaStrategy.create({
        data: {
          name,
          title: `bench: ${name}`,
          type: 'single',
          amount: 10,
          timezone: 'UTC',
          condition,
          enabled: true,
          createdAt: now,
          updatedAt: now,
        },
      });
    }
  } finally {
    await database.close();
  }
}

/** Hash of what decides a seeded file's content: migrations, the seed script, the strategies. */
function cacheKey(users: number): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(path).update(readFileSync(path));
    }
  };
  walk(join(ROOT, 'prisma/sqlite/migrations'));
  hash.update(readFileSync(join(ROOT, 'scripts/seed-users.ts')));
  hash.update(readFileSync(fileURLToPath(import.meta.url)));
  return `${users}-${hash.digest('hex').slice(0, 12)}`;
}

export async function seededSqlite(
  users: number,
  workDir: string,
  log: (line: string) => void,
): Promise<SeededDatabase> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const key = cacheKey(users);
  const cached = join(CACHE_DIR, `users-${key}.db`);
  const meta = `${cached}.json`;
  let seed: SeedResult & { cached: boolean };
  if (existsSync(cached) && existsSync(meta)) {
    seed = { ...(JSON.parse(readFileSync(meta, 'utf8')) as SeedResult), cached: true };
    log(`sqlite: ${users} users from cache (${cached})`);
  } else {
    for (const old of readdirSync(CACHE_DIR))
      if (old.startsWith(`users-${users}-`)) rmSync(join(CACHE_DIR, old), { force: true });
    const building = join(workDir, `seed-${users}.db`);
    await applyMigrations(`file:${building}`);
    log(`sqlite: seeding ${users} users`);
    const result = await seedUsers(`file:${building}`, { users });
    await createStrategies(`file:${building}`);
    log(
      `sqlite: seeded ${users} users in ${result.seconds.toFixed(1)} s (${Math.round(result.usersPerSecond)} users/s)`,
    );
    renameSync(building, cached);
    for (const suffix of ['-wal', '-shm']) rmSync(`${building}${suffix}`, { force: true });
    writeAtomically(meta, JSON.stringify(result));
    seed = { ...result, cached: false };
  }
  return {
    kind: 'sqlite',
    users,
    seed,
    async clone() {
      const dir = mkdtempSync(join(workDir, 'db-'));
      const path = join(dir, 'bench.db');
      copyFileSync(cached, path);
      return {
        kind: 'sqlite',
        url: `file:${path}`,
        drop: async () => rmSync(dir, { recursive: true, force: true }),
      };
    },
  };
}

/** A temp file and a rename, so an interrupted run never leaves a half-written cache entry. */
function writeAtomically(path: string, body: string): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, body);
  renameSync(temp, path);
}

export interface PgService {
  readonly cluster: PgCluster;
  /** The postmaster's pid, to read the CPU time of every backend. */
  readonly postmasterPid: number;
  seeded(users: number, log: (line: string) => void): Promise<SeededDatabase>;
  stop(): void;
}

async function adminQuery(cluster: PgCluster, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: cluster.adminUrl });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function startPostgres(): Promise<PgService> {
  const cluster = await startPgCluster();
  // A backend's parent is the postmaster; read it while the backend is still alive.
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  let postmasterPid: number;
  try {
    const { rows } = await admin.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const stat = readFileSync(`/proc/${rows[0]!.pid}/stat`, 'utf8');
    postmasterPid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } finally {
    await admin.end();
  }
  const bases = new Map<number, SeededDatabase>();
  return {
    cluster,
    postmasterPid,
    async seeded(users, log) {
      const existing = bases.get(users);
      if (existing) return existing;
      const name = `qm_base_${users}`;
      await adminQuery(cluster, `CREATE DATABASE ${name}`);
      await applyMigrations(cluster.urlFor(name));
      log(`postgresql: seeding ${users} users`);
      const result = await seedUsers(cluster.urlFor(name), { users });
      await createStrategies(cluster.urlFor(name));
      log(
        `postgresql: seeded ${users} users in ${result.seconds.toFixed(1)} s (${Math.round(result.usersPerSecond)} users/s)`,
      );
      const seeded: SeededDatabase = {
        kind: 'postgresql',
        users,
        seed: { ...result, cached: false },
        async clone() {
          const clone = `qm_${randomBytes(6).toString('hex')}`;
          await adminQuery(cluster, `CREATE DATABASE ${clone} TEMPLATE ${name}`);
          return {
            kind: 'postgresql',
            url: cluster.urlFor(clone),
            drop: async () => {
              await adminQuery(cluster, `DROP DATABASE IF EXISTS ${clone} WITH (FORCE)`);
            },
          };
        },
      };
      bases.set(users, seeded);
      return seeded;
    },
    stop: () => cluster.stop(),
  };
}

export interface MariaDbService {
  readonly server: MariaDbServer;
  /** mariadbd's pid: one process, so its CPU time is the whole server's. */
  readonly serverPid: number;
  seeded(users: number, log: (line: string) => void): Promise<SeededDatabase>;
  stop(): void;
}

/** MariaDB has no CREATE DATABASE … TEMPLATE: a copy is made table by table. */
async function copyMariaDbDatabase(server: MariaDbServer, from: string, to: string): Promise<void> {
  const connection = await mariadb.createConnection({
    host: '127.0.0.1',
    port: server.port,
    user: 'root',
  });
  try {
    await connection.query(`CREATE DATABASE \`${to}\``);
    const tables = await connection.query<{ name: string }[]>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = ?',
      [from],
    );
    await connection.query('SET SESSION foreign_key_checks = 0, unique_checks = 0');
    for (const { name } of tables) {
      await connection.query(`CREATE TABLE \`${to}\`.\`${name}\` LIKE \`${from}\`.\`${name}\``);
      // Generated columns (the user-search keys) take no value: the copy names the others.
      const columns = await connection.query<{ name: string }[]>(
        `SELECT column_name AS name FROM information_schema.columns
          WHERE table_schema = ? AND table_name = ? AND is_generated = 'NEVER'
          ORDER BY ordinal_position`,
        [from, name],
      );
      const list = columns.map((c) => `\`${c.name}\``).join(', ');
      await connection.query(
        `INSERT INTO \`${to}\`.\`${name}\` (${list}) SELECT ${list} FROM \`${from}\`.\`${name}\``,
      );
    }
    await connection.query(`ANALYZE TABLE \`${to}\`.user_info, \`${to}\`.user_github_star`);
  } finally {
    await connection.end();
  }
}

export async function startMariaDb(): Promise<MariaDbService> {
  // A buffer pool that holds a million users and their indexes, as a production server's would;
  // the default 128 MiB would make the benchmark measure the disk.
  const server = await startMariaDbServer({ extraArgs: ['--innodb-buffer-pool-size=2G'] });
  const bases = new Map<number, SeededDatabase>();
  return {
    server,
    serverPid: server.pid!,
    async seeded(users, log) {
      const existing = bases.get(users);
      if (existing) return existing;
      const name = `qm_base_${users}`;
      await server.admin(`CREATE DATABASE ${name}`);
      await applyMigrations(server.urlFor(name));
      log(`mysql: seeding ${users} users`);
      const result = await seedUsers(server.urlFor(name), { users });
      await createStrategies(server.urlFor(name));
      log(
        `mysql: seeded ${users} users in ${result.seconds.toFixed(1)} s (${Math.round(result.usersPerSecond)} users/s)`,
      );
      const seeded: SeededDatabase = {
        kind: 'mysql',
        users,
        seed: { ...result, cached: false },
        async clone() {
          const clone = `qm_${randomBytes(6).toString('hex')}`;
          await copyMariaDbDatabase(server, name, clone);
          return {
            kind: 'mysql',
            url: server.urlFor(clone),
            drop: () => server.admin(`DROP DATABASE IF EXISTS ${clone}`),
          };
        },
      };
      bases.set(users, seeded);
      return seeded;
    },
    stop: () => server.stop(),
  };
}

/**
 * The databases a benchmark runs on: the servers start on first use (one PostgreSQL cluster,
 * one MariaDB server) and every size is seeded once, then cloned for each measured run.
 */
export class BenchDatabases {
  private pg: PgService | undefined;
  private maria: MariaDbService | undefined;

  constructor(private readonly workDir: string) {}

  async seeded(
    kind: DatabaseKind,
    users: number,
    log: (line: string) => void,
  ): Promise<SeededDatabase> {
    if (kind === 'sqlite') return seededSqlite(users, this.workDir, log);
    if (kind === 'postgresql') return (this.pg ??= await startPostgres()).seeded(users, log);
    return (this.maria ??= await startMariaDb()).seeded(users, log);
  }

  /** The server process whose CPU time a run reports; undefined for SQLite (in-process). */
  serverPid(kind: DatabaseKind): number | undefined {
    if (kind === 'postgresql') return this.pg?.postmasterPid;
    if (kind === 'mysql') return this.maria?.serverPid;
    return undefined;
  }

  stop(): void {
    this.pg?.stop();
    this.maria?.stop();
  }
}

export function benchWorkDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'qm-bench-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
