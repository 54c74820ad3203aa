// Per-test-file databases cloned from the migrated templates made in global-setup.ts (MySQL
// has no template databases: each new one is migrated, ~0.3 s). Suites run against every
// provider with `describe.each(DATABASE_KINDS)`.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import mariadb from 'mariadb';
import pg from 'pg';
import { inject } from 'vitest';
import { mysqlConnectionConfig } from '../../src/db/driver.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import type { DatabaseKind } from '../../src/config/database-url.ts';

export const DATABASE_KINDS: readonly DatabaseKind[] = ['sqlite', 'postgresql', 'mysql'];

export interface TestDatabase extends Database {
  readonly url: string;
  /** Closes the client and deletes the database. */
  destroy(): Promise<void>;
}

export interface DisposableDatabaseUrl {
  readonly url: string;
  readonly drop: () => Promise<void>;
}

/** A fresh, migrated database of the given kind, with no rows. */
export function createDatabaseUrl(kind: DatabaseKind): Promise<DisposableDatabaseUrl> {
  return newDatabase(kind, true);
}

/** A fresh database with no tables at all (a shadow database for `migrate diff`). */
export function createEmptyDatabaseUrl(kind: DatabaseKind): Promise<DisposableDatabaseUrl> {
  return newDatabase(kind, false);
}

async function newDatabase(kind: DatabaseKind, migrated: boolean): Promise<DisposableDatabaseUrl> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'qm-sqlite-'));
    const path = join(dir, 'test.db');
    if (migrated) copyFileSync(inject('sqliteTemplatePath'), path);
    return { url: `file:${path}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `qm_${randomBytes(6).toString('hex')}`;
  if (kind === 'mysql') return newMysqlDatabase(name, migrated);
  const adminUrl = inject('pgAdminUrl');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const template = migrated ? inject('pgTemplateDatabase') : 'template0';
  await admin.query(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  await admin.end();
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  return {
    url,
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

async function mysqlAdmin(sql: string): Promise<void> {
  const connection = await mariadb.createConnection(mysqlConnectionConfig(inject('mysqlAdminUrl')));
  try {
    await connection.query(sql);
  } finally {
    await connection.end();
  }
}

async function newMysqlDatabase(name: string, migrated: boolean): Promise<DisposableDatabaseUrl> {
  await mysqlAdmin(`CREATE DATABASE ${name}`);
  const url = inject('mysqlAdminUrl').replace(/\/mysql$/, `/${name}`);
  if (migrated) await applyMigrations(url);
  return { url, drop: () => mysqlAdmin(`DROP DATABASE IF EXISTS ${name}`) };
}

/** The URL of a new MySQL user, identified by `password`, with every right on the URL's database. */
export async function mysqlUrlWithPassword(url: string, password: string): Promise<string> {
  const parsed = new URL(url);
  const database = parsed.pathname.slice(1);
  const user = `u_${database}`.slice(0, 32);
  // Also @localhost: an anonymous ''@localhost account would otherwise match first.
  for (const host of ['%', 'localhost', '127.0.0.1']) {
    await mysqlAdmin(`CREATE USER '${user}'@'${host}' IDENTIFIED BY '${password}'`);
    await mysqlAdmin(`GRANT ALL ON ${database}.* TO '${user}'@'${host}'`);
  }
  parsed.username = user;
  parsed.password = password;
  return parsed.toString();
}

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  const { url, drop } = await createDatabaseUrl(kind);
  const database = await openDatabase(url);
  return {
    ...database,
    url,
    async destroy() {
      await database.close();
      await drop();
    },
  };
}
