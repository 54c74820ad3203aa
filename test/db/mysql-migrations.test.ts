// MySQL's migrations are hand-written SQL (Prisma's schema engine has no MySQL connector
// here), so they are checked against the PostgreSQL database that schema-drift.test.ts proves
// equal to prisma/schema.prisma, and the runner that applies them is tested here.
import { readFileSync } from 'node:fs';
import mariadb from 'mariadb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlConnectionConfig } from '../../src/db/driver.ts';
import { applyMigrations, committedMigrations, migrationsFolder } from '../../src/db/migrate.ts';
import { applyMysqlMigrations, readMysqlMigrations } from '../../src/db/mysql-migrate.ts';
import { mysqlSchemaFrom } from '../../src/db/sqlite-schema.ts';
import {
  createDatabaseUrl,
  createEmptyDatabaseUrl,
  type DisposableDatabaseUrl,
} from '../support/databases.ts';
import { describeMysqlPortably, describePostgresPortably } from '../support/portable-schema.ts';

const committed = () =>
  readMysqlMigrations(migrationsFolder('mysql'), committedMigrations('mysql'));

async function query<T>(url: string, sql: string, values: unknown[] = []): Promise<T> {
  const config = mysqlConnectionConfig(url);
  const connection = await mariadb.createConnection(config);
  try {
    return await connection.query<T>(sql, values);
  } finally {
    await connection.end();
  }
}

describe('MySQL schema and migrations', () => {
  const databases: DisposableDatabaseUrl[] = [];
  const emptyDatabase = async () => {
    const database = await createEmptyDatabaseUrl('mysql');
    databases.push(database);
    return database.url;
  };
  let postgres: DisposableDatabaseUrl;
  beforeAll(async () => {
    postgres = await createDatabaseUrl('postgresql');
  });
  afterAll(async () => {
    await Promise.all([postgres.drop(), ...databases.map((d) => d.drop())]);
  });

  it('the committed MySQL schema is exactly the one generated from prisma/schema.prisma', () => {
    const generated = mysqlSchemaFrom(readFileSync('prisma/schema.prisma', 'utf8'));
    expect(readFileSync('prisma/mysql/schema.prisma', 'utf8')).toBe(generated);
  });

  it('has one migration for each PostgreSQL migration, under the same name', () => {
    expect(committedMigrations('mysql')).toEqual(committedMigrations('postgresql'));
  });

  it('builds the same tables, columns, indexes and foreign keys as the PostgreSQL migrations', async () => {
    const url = await emptyDatabase();
    await applyMigrations(url);
    const expected = await describePostgresPortably(postgres.url);
    expect(await describeMysqlPortably(url)).toEqual(expected);
    expect(JSON.stringify(expected)).toContain('quota_execute_strategy_id_occurrence_user_id_key');
  });

  it('gives every table and text column the NO PAD binary collation (`bob` and `bob ` differ)', async () => {
    const url = await emptyDatabase();
    await applyMigrations(url);
    const columns = await query<{ name: string }[]>(
      url,
      `SELECT CONCAT(TABLE_NAME, '.', COLUMN_NAME, ' ', COLLATION_NAME) AS name FROM information_schema.COLUMNS
       WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> '_prisma_migrations' AND COLLATION_NAME IS NOT NULL
         AND COLLATION_NAME <> 'utf8mb4_nopad_bin'`,
    );
    expect(columns.map((c) => c.name)).toEqual([]);
    const tables = await query<{ name: string }[]>(
      url,
      `SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()
         AND TABLE_NAME <> '_prisma_migrations' AND TABLE_COLLATION <> 'utf8mb4_nopad_bin'`,
    );
    expect(tables.map((t) => t.name)).toEqual([]);
    const textColumns = await query<{ n: bigint }[]>(
      url,
      `SELECT COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()
         AND TABLE_NAME = 'user_info' AND COLLATION_NAME = 'utf8mb4_nopad_bin'`,
    );
    expect(Number(textColumns[0]!.n)).toBeGreaterThan(5);
  });

  it('notices a migration that forgets a column', async () => {
    const url = await emptyDatabase();
    const migrations = committed().map((m) =>
      m.name === '20261122000000_missed_runs'
        ? { ...m, sql: m.sql.replace(/ALTER TABLE `quota_execute`[^;]*;/, '') }
        : m,
    );
    await applyMysqlMigrations(url, migrations);
    const missing = (await describeMysqlPortably(url)).columns.filter(
      (c) => c.column === 'catch_up',
    );
    expect(missing).toEqual([]);
    expect(await describeMysqlPortably(url)).not.toEqual(
      await describePostgresPortably(postgres.url),
    );
  });

  it('records each migration with its checksum, and a second run applies nothing', async () => {
    const url = await emptyDatabase();
    await applyMigrations(url);
    await applyMigrations(url);
    const rows = await query<
      { migration_name: string; checksum: string; applied_steps_count: number }[]
    >(
      url,
      'SELECT migration_name, checksum, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(committedMigrations('mysql'));
    expect(
      rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum) && r.applied_steps_count === 1),
    ).toBe(true);
  });

  it('lets replicas starting together apply the migrations once', async () => {
    const url = await emptyDatabase();
    await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);
    const [row] = await query<{ n: bigint }[]>(url, 'SELECT COUNT(*) AS n FROM _prisma_migrations');
    expect(Number(row!.n)).toBe(committedMigrations('mysql').length);
  });

  it('refuses a migration edited after it was applied', async () => {
    const url = await emptyDatabase();
    const migrations = committed();
    await applyMysqlMigrations(url, migrations);
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited\n` } : m));
    await expect(applyMysqlMigrations(url, edited)).rejects.toThrow(
      `migration ${migrations[0]!.name} was modified after it was applied`,
    );
  });

  it('records a failed migration and refuses to go on until it is repaired', async () => {
    const url = await emptyDatabase();
    const broken = [
      ...committed(),
      { name: '20991231000000_broken', sql: 'CREATE TABLE t (x INT);\nSELEC 1;\n' },
    ];
    await expect(
      applyMigrations(url).then(() => applyMysqlMigrations(url, broken)),
    ).rejects.toThrow(/migration 20991231000000_broken failed/);
    const [row] = await query<{ finished_at: Date | null; logs: string }[]>(
      url,
      "SELECT finished_at, logs FROM _prisma_migrations WHERE migration_name = '20991231000000_broken'",
    );
    expect(row).toMatchObject({ finished_at: null, logs: expect.stringContaining('SELEC') });
    await expect(applyMysqlMigrations(url, broken)).rejects.toThrow(
      'migration 20991231000000_broken failed earlier and left the database half-migrated',
    );
    await expect(applyMigrations(url)).rejects.toMatchObject({ code: 'migration_failed' });
  });

  it('orders and compares ids by code point, as the other databases do', async () => {
    const url = await emptyDatabase();
    await applyMigrations(url);
    const ids = ['b', 'B', 'a', '_', 'é', 'Z', 'a1'];
    for (const id of ids) await query(url, 'INSERT INTO user_info (id) VALUES (?)', [id]);
    const rows = await query<{ id: string }[]>(url, 'SELECT id FROM user_info ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([...ids].sort());
    const [found] = await query<{ n: bigint }[]>(
      url,
      "SELECT COUNT(*) AS n FROM user_info WHERE id = 'A'",
    );
    expect(Number(found!.n)).toBe(0);
  });
});
