// The shape of a migrated database in terms every provider shares — tables, columns (type
// family, nullability, default), indexes and foreign keys — so a MySQL database built from
// prisma/mysql/migrations can be compared with the PostgreSQL one that schema-drift.test.ts
// proves equal to prisma/schema.prisma.
import mariadb from 'mariadb';
import pg from 'pg';
import { mysqlConnectionConfig } from '../../src/db/driver.ts';

export interface PortableColumn {
  table: string;
  column: string;
  type: string;
  nullable: boolean;
  default: string | null;
}
export interface PortableIndex {
  table: string;
  name: string;
  unique: boolean;
  columns: string[];
}
export interface PortableForeignKey {
  table: string;
  name: string;
  columns: string[];
  references: string;
  onDelete: string;
  onUpdate: string;
}
export interface PortableSchema {
  columns: PortableColumn[];
  indexes: PortableIndex[];
  foreignKeys: PortableForeignKey[];
}

const BOOKKEEPING = '_prisma_migrations';
const byName =
  <T extends { table: string }>(key: (t: T) => string) =>
  (a: T, b: T) =>
    `${a.table}.${key(a)}`.localeCompare(`${b.table}.${key(b)}`);

function pgType(row: Record<string, unknown>): string {
  switch (row.data_type) {
    case 'text':
      return 'string';
    case 'integer':
      return 'int';
    case 'numeric':
      return `decimal(${String(row.numeric_precision)},${String(row.numeric_scale)})`;
    case 'timestamp without time zone':
      return `datetime(${String(row.datetime_precision)})`;
    default:
      return String(row.data_type);
  }
}

function pgDefault(value: string | null): string | null {
  if (value === null) return null;
  if (value.startsWith('nextval(')) return 'autoincrement';
  if (value === 'CURRENT_TIMESTAMP') return 'now';
  return value.replace(/^'(.*)'::text$/, '$1');
}

const PG_RULES: Record<string, string> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

export async function describePostgresPortably(url: string): Promise<PortableSchema> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const columns = await client.query(`
      SELECT table_name, column_name, data_type, numeric_precision, numeric_scale, datetime_precision,
        is_nullable, column_default
      FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '${BOOKKEEPING}'`);
    const indexes = await client.query(`
      SELECT t.relname AS table_name, i.relname AS index_name, x.indisunique AS is_unique, x.indisprimary AS is_primary,
        array_to_json(ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)
          JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n)) AS columns
      FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      JOIN pg_namespace ns ON ns.oid = t.relnamespace
      WHERE ns.nspname = 'public' AND t.relname <> '${BOOKKEEPING}'`);
    const keys = await client.query(`
      SELECT c.conrelid::regclass::text AS table_name, c.conname, c.confrelid::regclass::text AS ref_table,
        c.confdeltype, c.confupdtype,
        array_to_json(ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY k(attnum, n)
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.n)) AS columns
      FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace`);
    return {
      columns: columns.rows
        .map((row) => ({
          table: row.table_name,
          column: row.column_name,
          type: pgType(row),
          nullable: row.is_nullable === 'YES',
          default: pgDefault(row.column_default),
        }))
        .sort(byName((c) => c.column)),
      indexes: indexes.rows
        .map((row) => ({
          table: row.table_name,
          name: row.is_primary ? 'PRIMARY' : row.index_name,
          unique: row.is_unique,
          columns: row.columns,
        }))
        .sort(byName((i) => i.name)),
      foreignKeys: keys.rows
        .map((row) => ({
          table: row.table_name,
          name: row.conname,
          columns: row.columns,
          references: row.ref_table,
          onDelete: PG_RULES[row.confdeltype]!,
          onUpdate: PG_RULES[row.confupdtype]!,
        }))
        .sort(byName((k) => k.name)),
    };
  } finally {
    await client.end();
  }
}

function mysqlType(row: Record<string, unknown>): string {
  switch (row.DATA_TYPE) {
    case 'varchar':
    case 'text':
    case 'mediumtext':
      return 'string';
    case 'decimal':
      return `decimal(${String(row.NUMERIC_PRECISION)},${String(row.NUMERIC_SCALE)})`;
    case 'datetime':
      return `datetime(${String(row.DATETIME_PRECISION)})`;
    case 'tinyint':
      return row.COLUMN_TYPE === 'tinyint(1)' ? 'boolean' : 'tinyint';
    default:
      return String(row.DATA_TYPE);
  }
}

function mysqlDefault(row: Record<string, unknown>): string | null {
  if (String(row.EXTRA).includes('auto_increment')) return 'autoincrement';
  const value = row.COLUMN_DEFAULT as string | null;
  // MariaDB reports "no default" of a nullable column as the text NULL.
  if (value === null || value === 'NULL') return null;
  if (/^current_timestamp/i.test(value)) return 'now';
  if (mysqlType(row) === 'boolean') return value === '1' ? 'true' : 'false';
  return value.replace(/^'(.*)'$/, '$1');
}

export async function describeMysqlPortably(url: string): Promise<PortableSchema> {
  const config = mysqlConnectionConfig(url);
  const connection = await mariadb.createConnection(config);
  try {
    const columns = await connection.query<Record<string, unknown>[]>(`
      SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, NUMERIC_PRECISION, NUMERIC_SCALE,
        DATETIME_PRECISION, IS_NULLABLE, COLUMN_DEFAULT, EXTRA
      FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name <> '${BOOKKEEPING}'`);
    const indexColumns = await connection.query<Record<string, unknown>[]>(`
      SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME FROM information_schema.statistics
      WHERE table_schema = DATABASE() AND table_name <> '${BOOKKEEPING}' ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`);
    const keyColumns = await connection.query<Record<string, unknown>[]>(`
      SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, r.DELETE_RULE, r.UPDATE_RULE
      FROM information_schema.key_column_usage k
      JOIN information_schema.referential_constraints r
        ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
      WHERE k.table_schema = DATABASE() ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION`);
    const indexes = new Map<string, PortableIndex>();
    for (const row of indexColumns) {
      const key = `${String(row.TABLE_NAME)}.${String(row.INDEX_NAME)}`;
      const index = indexes.get(key) ?? {
        table: String(row.TABLE_NAME),
        name: String(row.INDEX_NAME),
        unique: Number(row.NON_UNIQUE) === 0,
        columns: [],
      };
      index.columns.push(String(row.COLUMN_NAME));
      indexes.set(key, index);
    }
    const foreignKeys = new Map<string, PortableForeignKey>();
    for (const row of keyColumns) {
      const key = `${String(row.TABLE_NAME)}.${String(row.CONSTRAINT_NAME)}`;
      const foreignKey = foreignKeys.get(key) ?? {
        table: String(row.TABLE_NAME),
        name: String(row.CONSTRAINT_NAME),
        columns: [],
        references: String(row.REFERENCED_TABLE_NAME),
        onDelete: String(row.DELETE_RULE),
        onUpdate: String(row.UPDATE_RULE),
      };
      foreignKey.columns.push(String(row.COLUMN_NAME));
      foreignKeys.set(key, foreignKey);
    }
    return {
      columns: columns
        .map((row) => ({
          table: String(row.TABLE_NAME),
          column: String(row.COLUMN_NAME),
          type: mysqlType(row),
          nullable: row.IS_NULLABLE === 'YES',
          default: mysqlDefault(row),
        }))
        .sort(byName((c) => c.column)),
      indexes: [...indexes.values()].sort(byName((i) => i.name)),
      foreignKeys: [...foreignKeys.values()].sort(byName((k) => k.name)),
    };
  } finally {
    await connection.end();
  }
}
