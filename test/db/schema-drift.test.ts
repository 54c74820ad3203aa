// The PostgreSQL schema is the source of truth; the SQLite twin and both providers'
// committed migrations must agree with it. (`migrate diff --from-migrations` needs a shadow
// database that the Rust-free engine cannot replay into here, hence the two checks below.)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { sqlitePath } from '../../src/db/driver.ts';
import { sqliteSchemaFrom } from '../../src/db/sqlite-schema.ts';
import { createDatabaseUrl, createEmptyDatabaseUrl } from '../support/databases.ts';

function prisma(args: string[], databaseUrl: string): string {
  return execFileSync('npx', ['prisma', ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Tables, columns, constraints and indexes of the public schema, in a stable order. */
async function describePostgres(url: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query(`
      SELECT table_name, column_name, data_type, numeric_precision, numeric_scale, is_nullable, column_default
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
      ORDER BY table_name, column_name`);
    const indexes = await client.query(`
      SELECT tablename, indexname, indexdef FROM pg_indexes
      WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename, indexname`);
    const constraints = await client.query(`
      SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS definition
      FROM pg_constraint WHERE connamespace = 'public'::regnamespace
        AND conrelid::regclass::text <> '_prisma_migrations' ORDER BY 1, 2`);
    return { columns: columns.rows, indexes: indexes.rows, constraints: constraints.rows };
  } finally {
    await client.end();
  }
}

/**
 * Columns the migrations make generated (the database computes them). Prisma's schema can only
 * declare them as plain columns, so the comparisons below see them as such and check this list.
 */
const GENERATED_COLUMNS = [
  'user_info.github_login',
  'user_info.search_id',
  'user_info.search_login',
  'user_info.search_name',
];

interface SqliteColumn {
  name: string;
  /** table_xinfo: 0 a plain column, 2 a virtual generated one, 3 a stored one. */
  hidden: number;
}

async function generatedPostgresColumns(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(`
      SELECT table_name || '.' || column_name AS name FROM information_schema.columns
      WHERE table_schema = 'public' AND is_generated = 'ALWAYS' ORDER BY 1`);
    return rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

/** The columns, generated ones included (table_info leaves them out) and shown as plain. */
function sqliteColumns(db: Sqlite.Database, table: string, generated: string[]): SqliteColumn[] {
  return (db.pragma(`table_xinfo("${table}")`) as SqliteColumn[]).map((column) => {
    if (column.hidden === 0) return column;
    generated.push(`${table}.${column.name}`);
    return { ...column, hidden: 0 };
  });
}

function describeSqlite(url: string): { generated: string[]; tables: unknown } {
  const db = new Sqlite(sqlitePath(url), { readonly: true });
  const generated: string[] = [];
  try {
    const tables = db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('_prisma_migrations', 'sqlite_sequence') ORDER BY name",
      )
      .all() as { name: string }[];
    const described = tables.map(({ name }) => ({
      name,
      columns: sqliteColumns(db, name, generated),
      foreignKeys: db.pragma(`foreign_key_list("${name}")`),
      indexes: (db.pragma(`index_list("${name}")`) as { name: string; unique: number }[])
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((index) => ({ ...index, columns: db.pragma(`index_info("${index.name}")`) })),
    }));
    return { generated, tables: described };
  } finally {
    db.close();
  }
}

describe('schema drift', () => {
  it('the committed SQLite schema is exactly the one generated from prisma/schema.prisma', () => {
    const generated = sqliteSchemaFrom(readFileSync('prisma/schema.prisma', 'utf8'));
    expect(readFileSync('prisma/sqlite/schema.prisma', 'utf8')).toBe(generated);
  });

  it('PostgreSQL: a database built by the migrations equals one built from the schema', async () => {
    const migrated = await createDatabaseUrl('postgresql');
    const fromSchema = await createEmptyDatabaseUrl('postgresql');
    try {
      const script = prisma(
        [
          'migrate',
          'diff',
          '--from-empty',
          '--to-schema-datamodel',
          'prisma/schema.prisma',
          '--script',
        ],
        fromSchema.url,
      );
      const client = new pg.Client({ connectionString: fromSchema.url });
      await client.connect();
      await client.query(script);
      await client.end();
      const expected = await describePostgres(fromSchema.url);
      expect(await describePostgres(migrated.url)).toEqual(expected);
      expect(await generatedPostgresColumns(migrated.url)).toEqual(GENERATED_COLUMNS);
      expect(JSON.stringify(expected)).toContain(
        'quota_execute_strategy_id_occurrence_user_id_key',
      );
    } finally {
      await Promise.all([migrated.drop(), fromSchema.drop()]);
    }
  });

  it('SQLite: a database built by the migrations equals one built from the twin schema', async () => {
    const migrated = await createDatabaseUrl('sqlite');
    const fromSchema = await createEmptyDatabaseUrl('sqlite');
    try {
      const script = prisma(
        [
          'migrate',
          'diff',
          '--from-empty',
          '--to-schema-datamodel',
          'prisma/sqlite/schema.prisma',
          '--script',
        ],
        fromSchema.url,
      );
      const empty = new Sqlite(sqlitePath(fromSchema.url));
      empty.exec(script);
      empty.close();
      const expected = describeSqlite(fromSchema.url);
      const actual = describeSqlite(migrated.url);
      expect(actual.tables).toEqual(expected.tables);
      expect([...actual.generated].sort()).toEqual(GENERATED_COLUMNS);
      expect(JSON.stringify(expected.tables)).toContain(
        'quota_execute_strategy_id_occurrence_user_id_key',
      );
    } finally {
      await Promise.all([migrated.drop(), fromSchema.drop()]);
    }
  });
});
