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

/** The table changed and the column each JSON row finds its row by (the first JSON column). */
export interface JsonUpdateTarget {
  table: string;
  key: string;
}

export type SetClause = (
  lhs: (column: string) => Prisma.Sql,
  col: (name: string) => Prisma.Sql,
) => Prisma.Sql;
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
  rows: unknown[][],
  columns: Columns,
  set: SetClause,
  where: WhereClause,
): Prisma.Sql {
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
      SET ${set((c) => Prisma.raw(`q.${c}`), col)} WHERE ${where(col, (c) => Prisma.raw(`q.${c}`))}`;
  }
  if (kind === 'sqlite') {
    const col = (name: string) => {
      const raw = Prisma.raw(`(j.value ->> ${index(name)})`);
      return DECIMAL_SQL[typeOf(name)] ? Prisma.sql`CAST(${raw} AS DECIMAL)` : raw;
    };
    // `+q.column` keeps SQLite's planner off the indexes of the compared columns: it must walk
    // the JSON rows and find each by its key, not walk every row an index on a compared column
    // names (say every pending row of a strategy) and look each up in the JSON.
    return Prisma.sql`UPDATE ${table} AS q SET ${set(Prisma.raw, col)}
      FROM json_each(${json}) j WHERE ${Prisma.raw(`q.${key}`)} = ${col(key)} AND ${where(col, (c) => Prisma.raw(`+q.${c}`))}`;
  }
  const col = (name: string) =>
    Prisma.raw(`(j.value ->> ${index(name)})::${POSTGRES_CASTS[typeOf(name)]}`);
  return Prisma.sql`UPDATE ${table} AS q SET ${set(Prisma.raw, col)}
    FROM json_array_elements(${json}::json) AS j(value) WHERE ${Prisma.raw(`q.${key}`)} = ${col(key)} AND ${where(col, (c) => Prisma.raw(`q.${c}`))}`;
}
