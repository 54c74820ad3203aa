// SQLite source: the file is opened read-only (SQLITE_OPEN_READONLY, what `mode=ro` asks for)
// and must exist; rows are stepped through one at a time. Integers come as bigint, so 64-bit
// ids and cursors survive.
import Database from 'better-sqlite3';
import { sqlitePath } from '../db/driver.ts';
import type { SourceConnection } from './source-connection.ts';

export function openSqliteSource(url: string): SourceConnection {
  const db = new Database(sqlitePath(url), { readonly: true, fileMustExist: true });
  return {
    async *pages(sql, params, pageSize) {
      const rows = db
        .prepare(sql)
        .safeIntegers(true)
        .iterate(...params) as IterableIterator<Record<string, unknown>>;
      let page: Record<string, unknown>[] = [];
      for (const row of rows) {
        page.push(row);
        if (page.length >= pageSize) {
          yield page;
          page = [];
          // Let timers and requests run between pages: stepping is synchronous.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      }
      if (page.length > 0) yield page;
    },
    close: () => {
      db.close();
      return Promise.resolve();
    },
  };
}
