// The operator's user database as a UserSourceReader: the configured query, wrapped so an
// incremental run reads only rows at or past the cursor, over a fresh read-only connection
// per run (closed when the run ends, so an idle daemon holds no connection to the source).
import type { UserSourceReader, SourceReadRequest } from '../core/ports/user-source.ts';
import { databaseKind, type DatabaseKind } from '../config/database-url.ts';
import { openMysqlSource } from './mysql-source.ts';
import { openPostgresSource } from './postgres-source.ts';
import type { SourceConnection } from './source-connection.ts';
import { openSqliteSource } from './sqlite-source.ts';

export interface SqlUserSourceOptions {
  url: string;
  query: string;
  /** USER_SOURCE_TIMEZONE: MySQL sessions show TIMESTAMP columns in it. */
  timeZone: string;
}

const quoteIdentifier = (kind: DatabaseKind, name: string) =>
  kind === 'mysql' ? `\`${name}\`` : `"${name}"`;

/** The query as a derived table, filtered by the cursor (`>=`: see core/user-source/source-cursor.ts). */
export function sourceStatement(
  kind: DatabaseKind,
  query: string,
  request: Pick<SourceReadRequest, 'cursorColumn' | 'from'>,
): { sql: string; params: unknown[] } {
  const inner = query.trim().replace(/;+\s*$/, '');
  const base = `SELECT * FROM (${inner}) AS user_source_rows`;
  if (request.cursorColumn === undefined || request.from === undefined)
    return { sql: base, params: [] };
  return {
    sql: `${base} WHERE ${quoteIdentifier(kind, request.cursorColumn)} >= ?`,
    params: [request.from.value],
  };
}

export function createSqlUserSource(options: SqlUserSourceOptions): UserSourceReader {
  const kind = databaseKind(options.url);
  const open = (): Promise<SourceConnection> | SourceConnection =>
    kind === 'postgresql'
      ? openPostgresSource(options.url)
      : kind === 'mysql'
        ? openMysqlSource(options.url, options.timeZone)
        : openSqliteSource(options.url);
  return {
    kind,
    async *pages(request) {
      const connection = await open();
      try {
        const { sql, params } = sourceStatement(kind, options.query, request);
        yield* connection.pages(sql, params, request.pageSize);
      } finally {
        await connection.close();
      }
    },
  };
}
