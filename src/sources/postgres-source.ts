// PostgreSQL source: `default_transaction_read_only` is set for the session at connect time
// (so even a query calling a function that writes fails), and the rows are read through a
// server-side cursor inside one read-only transaction: one snapshot for the whole run, and the
// server hands out a page per FETCH.
import pg from 'pg';
import type { SourceConnection } from './source-connection.ts';

const CURSOR = 'quota_manager_user_source';

export async function openPostgresSource(url: string): Promise<SourceConnection> {
  // A `timestamp` column carries no zone: kept as written, so the sync reads it in
  // USER_SOURCE_TIMEZONE (the driver would read it in this process's zone).
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.TIMESTAMP, (value: string) => value);
  const client = new pg.Client({
    connectionString: url,
    options: '-c default_transaction_read_only=on',
    application_name: 'quota-manager user sync',
    types,
  });
  await client.connect();
  return {
    async *pages(sql, params, pageSize) {
      let n = 0;
      const numbered = sql.replace(/\?/g, () => `$${++n}`);
      await client.query('BEGIN READ ONLY');
      try {
        await client.query(`DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${numbered}`, params);
        for (;;) {
          const { rows } = await client.query<Record<string, unknown>>(
            `FETCH FORWARD ${pageSize} FROM ${CURSOR}`,
          );
          if (rows.length > 0) yield rows;
          if (rows.length < pageSize) break;
        }
      } finally {
        await client.query('ROLLBACK');
      }
    },
    close: () => client.end(),
  };
}
