// `UPDATE <table> … FROM <json rows>` on each dialect: many rows changed by one statement with
// one JSON parameter, rather than one statement (or ten bind values) per row. Prisma prepares
// every bound value of a raw query one by one, and every statement costs a round through its
// query compiler; the ledger's writes (fenced-ledger-sql.ts) and the lot store's
// (lot-event-sql.ts) both batch this way.
import { Prisma } from './client.ts';
import type { DatabaseKind } from '../config/database-url.ts';
import { mysqlJsonText } from './mysql-collation.ts';

/** `decimal` fits DECIMAL(14, 2) (amounts); `wide-decimal` DECIMAL(24, 2) (gateway counters). */
type ColumnType = 'int' | 'bigint' | 'text' | 'decimal' | 'wide-decimal';
export type Columns = readonly (readonly [name: string, type: ColumnType])[];

const MYSQL_TYPES: Record<ColumnType, string> = {
  int: 'INT',
  bigint: 'BIGINT',
  text: mysqlJsonText(2000),
  decimal: 'VARCHAR(40)',
  'wide-decimal': 'VARCHAR(40)',
};
const DECIMAL_SQL: Partial<Record<ColumnType, string>> = {
  decimal: 'DECIMAL(14, 2)',
  'wide-decimal': 'DECIMAL(24, 2)',
};
const POSTGRES_CASTS: Record<ColumnType, string> = {
  int: 'int',
  bigint: 'bigint',
  text: 'text',
  decimal: 'numeric',
  'wide-decimal': 'numeric',
};

/**
 * Values the same for every row (the strategy, the status a transition starts from), read with
 * `col` like the JSON columns. On PostgreSQL and MariaDB they travel in every JSON row, so that
 * the conditions compare each target row with its JSON row, never with a constant (`unindexed`).
 */
export type SharedValues = readonly (readonly [
  name: string,
  type: ColumnType,
  value: string | number | null,
])[];

/** The table changed and the column each JSON row finds its row by (the first JSON column). */
export interface JsonUpdateTarget {
  table: string;
  key: string;
}

export type SetClause = (
  lhs: (column: string) => Prisma.Sql,
  col: (name: string) => Prisma.Sql,
) => Prisma.Sql;
/**
 * The conditions on each target row. `q` reads a target column in a form no index of it serves,
 * and a condition compares it with a JSON column (`col`), never with a constant: the statement
 * then has one way to its rows, by key, whatever the planner's statistics say (see `unindexed`).
 */
export type WhereClause = (
  col: (name: string) => Prisma.Sql,
  q: (column: string) => Prisma.Sql,
) => Prisma.Sql;

/**
 * `UPDATE <table> q … FROM <json rows> j WHERE q.<key> = j.<key> AND …` on each dialect. `set`
 * gets the target column's name as each dialect wants it on the left of `=`; `col` reads a JSON
 * column. Decimals travel as strings with two decimals, so no binary fraction reaches a column.
 * The first column of `columns` must be the key.
 */
export function updateFromJson(
  kind: DatabaseKind,
  target: JsonUpdateTarget,
  perRow: unknown[][],
  perRowColumns: Columns,
  set: SetClause,
  where: WhereClause,
  shared: SharedValues = [],
): Prisma.Sql {
  // SQLite binds the shared values once: `+column` already keeps its planner off the indexes,
  // and reading them from every JSON row cost its one-thread scan 4 % (bench/README.md §29).
  const onEveryRow = kind === 'sqlite' ? [] : shared;
  const sharedValues = onEveryRow.map(([, , value]) => value);
  const rows = sharedValues.length === 0 ? perRow : perRow.map((row) => [...row, ...sharedValues]);
  const columns: Columns = [
    ...perRowColumns,
    ...onEveryRow.map(([name, type]) => [name, type] as const),
  ];
  const json = JSON.stringify(rows);
  const index = (name: string) => columns.findIndex(([n]) => n === name);
  const typeOf = (name: string) => columns[index(name)]![1];
  const table = Prisma.raw(target.table);
  const key = target.key;
  if (kind === 'mysql') {
    const defs = Prisma.raw(
      columns.map(([name, type], i) => `${name} ${MYSQL_TYPES[type]} PATH '$[${i}]'`).join(', '),
    );
    const col = (name: string) => {
      const decimal = DECIMAL_SQL[typeOf(name)];
      return decimal
        ? Prisma.sql`CAST(${Prisma.raw(`j.${name}`)} AS ${Prisma.raw(decimal)})`
        : Prisma.raw(`j.${name}`);
    };
    return Prisma.sql`UPDATE ${table} q JOIN JSON_TABLE(${json}, '$[*]' COLUMNS (${defs})) AS j ON ${Prisma.raw(`q.${key} = j.${key}`)}
      SET ${set((c) => Prisma.raw(`q.${c}`), col)} WHERE ${where(col, unindexed(kind))}`;
  }
  if (kind === 'sqlite') {
    const col = (name: string) => {
      const value = shared.find(([n]) => n === name);
      if (value !== undefined)
        return DECIMAL_SQL[value[1]]
          ? Prisma.sql`CAST(${value[2]} AS DECIMAL)`
          : Prisma.sql`${value[2]}`;
      const raw = Prisma.raw(`(j.value ->> ${index(name)})`);
      return DECIMAL_SQL[typeOf(name)] ? Prisma.sql`CAST(${raw} AS DECIMAL)` : raw;
    };
    return Prisma.sql`UPDATE ${table} AS q SET ${set(Prisma.raw, col)}
      FROM json_each(${json}) j WHERE ${Prisma.raw(`q.${key}`)} = ${col(key)} AND ${where(col, unindexed(kind))}`;
  }
  const col = (name: string) =>
    Prisma.raw(`(j.value ->> ${index(name)})::${POSTGRES_CASTS[typeOf(name)]}`);
  // The LIMIT (every row) tells the planner how many rows the JSON holds: it takes any set-returning
  // function for 100 rows, which made finding each by key look dearer than hashing a whole table
  // of a few thousand rows.
  return Prisma.sql`UPDATE ${table} AS q SET ${set(Prisma.raw, col)}
    FROM (SELECT value FROM json_array_elements(${json}::json) LIMIT ${rows.length}) AS j WHERE ${Prisma.raw(`q.${key}`)} = ${col(key)} AND ${where(col, unindexed(kind))}`;
}

/**
 * A target column in the conditions, where no index of it can serve them, so every planner walks
 * the JSON rows and finds each target row by its key. Given `q.status = …` on an indexed status,
 * a planner whose statistics show few rows in a transient status (a sample rarely holds many)
 * walks the index for every JSON row, through the entries of every row that passed through that
 * status since the last vacuum: PostgreSQL did, and the ledger's marks cost 3.2 times as much
 * per row at 1M users as at 100k (bench/README.md §29). A constant compared with an unindexed
 * column is worse: the planner guesses it filters out nearly every row and walks the whole table
 * (hence compare with JSON columns). `+column` is SQLite's documented form; a column coalesced
 * with itself is the same value, and neither PostgreSQL nor MariaDB matches it to an index.
 */
const unindexed =
  (kind: DatabaseKind) =>
  (column: string): Prisma.Sql =>
    Prisma.raw(kind === 'sqlite' ? `+q.${column}` : `COALESCE(q.${column}, q.${column})`);
