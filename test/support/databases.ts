// Per-test-file databases cloned from the migrated templates made in global-setup.ts. Suites
// run against both providers with `describe.each(DATABASE_KINDS)`.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.ts';
import type { DatabaseKind } from '../../src/db/driver.ts';

export const DATABASE_KINDS: readonly DatabaseKind[] = ['sqlite', 'postgresql'];

export interface TestDatabase extends Database {
  readonly url: string;
  /** Closes the client and deletes the database. */
  destroy(): Promise<void>;
}

export interface DisposableDatabaseUrl {
  readonly url: string;
  drop(): Promise<void>;
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
