// One database server per kind for a series of histories, each history on its own fresh,
// migrated database. The server is the nemesis's own (never the suite's shared one), because
// histories stop and start it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { applyMigrations } from '../../src/db/migrate.ts';
import { startMariaDbServer } from '../support/mariadb-server.ts';
import { startPgCluster } from '../support/pg-cluster.ts';
import type { DbKind } from './schedule.ts';

export interface DatabaseHost {
  readonly kind: DbKind;
  /** A fresh migrated database: its URL and how to drop it. */
  newDatabase(name: string): Promise<{ url: string; drop(): Promise<void> }>;
  /** Stops the server, keeping its data (no-op for SQLite). */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  close(): void;
}

function sqliteHost(): DatabaseHost {
  const dir = mkdtempSync(join(tmpdir(), 'qm-nemesis-'));
  return {
    kind: 'sqlite',
    async newDatabase(name) {
      const path = join(dir, `${name}.db`);
      await applyMigrations(`file:${path}`);
      return { url: `file:${path}`, drop: async () => rmSync(path, { force: true }) };
    },
    stopServer: async () => undefined,
    startServer: async () => undefined,
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresHost(): Promise<DatabaseHost> {
  const cluster = await startPgCluster();
  return {
    kind: 'postgresql',
    async newDatabase(name) {
      const url = await cluster.createDatabase(name);
      await applyMigrations(url);
      return {
        url,
        async drop() {
          const admin = new pg.Client({ connectionString: cluster.adminUrl });
          await admin.connect();
          await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await admin.end();
        },
      };
    },
    stopServer: async () => cluster.stopServer(),
    startServer: async () => cluster.startServer(),
    close: () => cluster.stop(),
  };
}

async function mariadbHost(): Promise<DatabaseHost> {
  const server = await startMariaDbServer();
  return {
    kind: 'mysql',
    async newDatabase(name) {
      await server.admin(`CREATE DATABASE ${name}`);
      const url = server.urlFor(name);
      await applyMigrations(url);
      return { url, drop: () => server.admin(`DROP DATABASE IF EXISTS ${name}`) };
    },
    stopServer: () => server.stopServer(),
    startServer: () => server.startServer(),
    close: () => server.stop(),
  };
}

export function startDatabaseHost(kind: DbKind): Promise<DatabaseHost> {
  if (kind === 'sqlite') return Promise.resolve(sqliteHost());
  return kind === 'postgresql' ? postgresHost() : mariadbHost();
}
