// Starts a throwaway PostgreSQL cluster on a free loopback port, without Docker: initdb into a
// temp dir, pg_ctl start, and stop + delete at the end. Used by the test suite's global setup
// and by benchmarks. When running as root, the server runs as the `postgres` user (initdb
// refuses to run as root).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PgCluster {
  /** Connection URL of the `postgres` maintenance database. */
  readonly adminUrl: string;
  readonly port: number;
  urlFor(database: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server but keeps its data (to test the daemon while the database is away). */
  stopServer(): void;
  /** Starts a server stopped by stopServer, on the same port. */
  startServer(): void;
  /** Stops the server and deletes the cluster. */
  stop(): void;
}

export function findPgBinDir(): string | undefined {
  const fromEnv = process.env.PG_BIN_DIR;
  if (fromEnv && existsSync(join(fromEnv, 'initdb'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function runAsPostgres(binDir: string, command: string, args: string[]): void {
  const executable = join(binDir, command);
  const [file, argv] = isRoot
    ? ['runuser', ['-u', 'postgres', '--', executable, ...args]]
    : [executable, args];
  const result = spawnSync(file, argv, { encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} failed (${result.status}): ${result.stderr || result.stdout}`);
  }
}

export interface PgClusterOptions {
  /**
   * Extra initdb arguments, e.g. the locale the cluster's databases default to:
   * `['--locale-provider=icu', '--icu-locale=en-US', '--locale=C.UTF-8']` makes every text
   * comparison linguistic (as the `postgres` Docker image's en_US.utf8 default does).
   */
  initdbArgs?: string[];
}

export async function startPgCluster(options: PgClusterOptions = {}): Promise<PgCluster> {
  const binDir = findPgBinDir();
  if (!binDir) {
    throw new Error(
      'PostgreSQL server binaries not found (apt-get install postgresql, or set PG_BIN_DIR)',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'qm-pg-'));
  chmodSync(dir, 0o777);
  const dataDir = join(dir, 'data');
  if (isRoot) execFileSync('chown', ['postgres', dir]);
  runAsPostgres(binDir, 'initdb', [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
    ...(options.initdbArgs ?? []),
  ]);
  const port = await freePort();
  // Durability settings off: this cluster lives for one test run and is then deleted.
  const serverOptions = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    '-c synchronous_commit=off',
    '-c full_page_writes=off',
    '-c max_connections=200',
    // A profiling run adds its own, e.g. "-c shared_preload_libraries=pg_stat_statements".
    process.env.PG_SERVER_OPTIONS ?? '',
  ].join(' ');
  const startServer = () =>
    runAsPostgres(binDir, 'pg_ctl', [
      '-D',
      dataDir,
      '-o',
      serverOptions,
      '-l',
      join(dir, 'server.log'),
      '-w',
      'start',
    ]);
  const stopServer = () =>
    runAsPostgres(binDir, 'pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  startServer();
  const urlFor = (database: string) => `postgresql://postgres@127.0.0.1:${port}/${database}`;
  let stopped = false;
  return {
    adminUrl: urlFor('postgres'),
    port,
    urlFor,
    async createDatabase(name) {
      const admin = new pg.Client({ connectionString: urlFor('postgres') });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return urlFor(name);
    },
    stopServer,
    startServer,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        runAsPostgres(binDir, 'pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already stopped (a test paused it); the directory is removed below either way.
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
