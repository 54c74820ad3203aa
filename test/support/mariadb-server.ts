// Starts a throwaway MariaDB server on a free loopback port, without Docker or systemd:
// mariadb-install-db into a temp dir, mariadbd in the background, and kill + delete at the
// end. Used by the test suite's global setup (and by benchmarks). When running as root, the
// server runs as the `mysql` user. Root connects without a password over TCP
// (--auth-root-authentication-method=normal), which is what the tests' URLs use.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mariadb from 'mariadb';
import { freePort } from './pg-cluster.ts';

export interface MariaDbServer {
  /** URL of the server with no database selected (the `mysql` system schema). */
  readonly adminUrl: string;
  readonly port: number;
  urlFor(database: string): string;
  /** Runs one statement as root (CREATE/DROP DATABASE and the like). */
  admin(sql: string): Promise<void>;
  /** Stops the server but keeps its data (to test the daemon while the database is away). */
  stopServer(): Promise<void>;
  /** Starts a server stopped by stopServer, on the same port. */
  startServer(): Promise<void>;
  /** Stops the server and deletes its data. */
  stop(): void;
  /** The running mariadbd's pid (benchmarks read its CPU time). */
  readonly pid: number | undefined;
}

export interface MariaDbServerOptions {
  /** Further mariadbd options, e.g. a larger buffer pool for a benchmark's million rows. */
  extraArgs?: string[];
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const userArgs = isRoot ? ['--user=mysql'] : [];

async function waitUntilUp(port: number, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`mariadbd exited: ${log()}`);
    try {
      const connection = await mariadb.createConnection({ host: '127.0.0.1', port, user: 'root' });
      await connection.end();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function startMariaDbServer(
  options: MariaDbServerOptions = {},
): Promise<MariaDbServer> {
  const dir = mkdtempSync(join(tmpdir(), 'qm-mariadb-'));
  chmodSync(dir, 0o777);
  const dataDir = join(dir, 'data');
  if (isRoot) execFileSync('chown', ['mysql', dir]);
  execFileSync(
    'mariadb-install-db',
    [
      '--no-defaults',
      ...userArgs,
      `--datadir=${dataDir}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const port = await freePort();
  let output = '';
  let server: ChildProcess | undefined;
  // Durability off (this server lives for one test run); enough connections for parallel files.
  const args = [
    '--no-defaults',
    ...userArgs,
    `--datadir=${dataDir}`,
    `--port=${port}`,
    '--bind-address=127.0.0.1',
    `--socket=${join(dir, 'mysqld.sock')}`,
    `--pid-file=${join(dir, 'mysqld.pid')}`,
    '--innodb-flush-log-at-trx-commit=0',
    '--innodb-doublewrite=0',
    '--skip-log-bin',
    '--max-connections=500',
    '--character-set-server=utf8mb4',
    '--collation-server=utf8mb4_bin',
    ...(options.extraArgs ?? []),
  ];
  const startServer = async () => {
    output = '';
    server = spawn('mariadbd', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    server.stderr!.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    });
    await waitUntilUp(port, server, () => output);
  };
  const kill = async (signal: NodeJS.Signals) => {
    const running = server;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill(signal);
    });
  };
  await startServer();
  const urlFor = (database: string) => `mysql://root@127.0.0.1:${port}/${database}`;
  let stopped = false;
  return {
    adminUrl: urlFor('mysql'),
    port,
    urlFor,
    async admin(sql) {
      const connection = await mariadb.createConnection({ host: '127.0.0.1', port, user: 'root' });
      try {
        await connection.query(sql);
      } finally {
        await connection.end();
      }
    },
    stopServer: async () => {
      await kill('SIGTERM');
    },
    startServer,
    get pid() {
      return server?.pid;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      server?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
