// MySQL / MariaDB source: the session is READ ONLY (SET SESSION TRANSACTION READ ONLY), rows are
// streamed (the driver pauses the socket while a page is processed), DATETIME and TIMESTAMP come
// as text and are read in USER_SOURCE_TIMEZONE. The session's time_zone is set to that zone, so
// TIMESTAMP columns (stored as instants) are shown in it too; a server without time zone tables
// cannot take a named zone, and the run stops saying so rather than misreading them.
import mariadb, { type Connection } from 'mariadb';
import { mysqlConnectionConfig } from '../db/driver.ts';
import type { SourceConnection } from './source-connection.ts';

export async function openMysqlSource(url: string, timeZone: string): Promise<SourceConnection> {
  const connection = await mariadb.createConnection({
    ...mysqlConnectionConfig(url),
    dateStrings: true,
  });
  try {
    await connection.query('SET SESSION TRANSACTION READ ONLY');
    await setSessionZone(connection, timeZone);
  } catch (error) {
    await connection.end();
    throw error;
  }
  return {
    async *pages(sql, params, pageSize) {
      const stream = connection.queryStream(sql, params);
      let page: Record<string, unknown>[] = [];
      try {
        for await (const row of stream as AsyncIterable<Record<string, unknown>>) {
          page.push(row);
          if (page.length >= pageSize) {
            yield page;
            page = [];
          }
        }
        if (page.length > 0) yield page;
      } finally {
        // A consumer that stops early (an error, a lost lease) must not leave rows in flight.
        stream.destroy();
      }
    },
    close: () => connection.end(),
  };
}

async function setSessionZone(connection: Connection, timeZone: string): Promise<void> {
  const zone = timeZone === 'UTC' || timeZone === 'Etc/UTC' ? '+00:00' : timeZone;
  try {
    await connection.query('SET time_zone = ?', [zone]);
  } catch (error) {
    throw new Error(
      `USER_SOURCE_TIMEZONE ${timeZone}: the MySQL/MariaDB source does not know this zone (load its time zone tables with mysql_tzinfo_to_sql): ${(error as Error).message}`,
      { cause: error },
    );
  }
}
