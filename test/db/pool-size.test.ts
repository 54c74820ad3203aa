// DATABASE_POOL_SIZE (issue 12, item 9): the PostgreSQL pool holds at most that many
// connections, counted as distinct server backends serving concurrent queries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { createDatabaseUrl, type DisposableDatabaseUrl } from '../support/databases.ts';

let database: DisposableDatabaseUrl;
beforeAll(async () => {
  database = await createDatabaseUrl('postgresql');
});
afterAll(() => database.drop());

async function backendsServing(poolSize: number | undefined, queries: number): Promise<number> {
  const opened = await openDatabase(database.url, poolSize === undefined ? {} : { poolSize });
  try {
    const rows = await Promise.all(
      Array.from({ length: queries }, () =>
        opened.db.$queryRawUnsafe<{ pid: number }[]>(
          'SELECT pg_backend_pid() AS pid FROM (SELECT pg_sleep(0.2)) AS wait',
        ),
      ),
    );
    return new Set(rows.map(([row]) => row!.pid)).size;
  } finally {
    await opened.close();
  }
}

describe('database pool size', () => {
  it('DATABASE_POOL_SIZE bounds the PostgreSQL connections of a process', async () => {
    expect(await backendsServing(2, 8)).toBeLessThanOrEqual(2);
    // The default (10) lets 8 concurrent queries run on 8 connections.
    expect(await backendsServing(undefined, 8)).toBe(8);
  });
});
