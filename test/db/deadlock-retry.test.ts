// A real deadlock on PostgreSQL and MariaDB: an autocommit statement through the daemon's client
// locks row 2 and waits for row 1, which another transaction holds; that transaction then asks
// for row 2. The server rolls our statement back (the waiter, or the smaller transaction, is
// the victim); conflict-retry.ts sends it again once the other transaction has committed, and
// its effect lands exactly once.
import mariadb from 'mariadb';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { mysqlConnectionConfig } from '../../src/db/driver.ts';
import { createEmptyDatabaseUrl, type DisposableDatabaseUrl } from '../support/databases.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A second client, outside the daemon's: one transaction, statement by statement. */
interface RawSession {
  run(sql: string): Promise<void>;
  end(): Promise<void>;
}

async function rawSession(kind: 'postgresql' | 'mysql', url: string): Promise<RawSession> {
  if (kind === 'mysql') {
    const connection = await mariadb.createConnection(mysqlConnectionConfig(url));
    return {
      run: async (sql) => {
        await connection.query(sql);
      },
      end: () => connection.end(),
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    run: async (sql) => {
      await client.query(sql);
    },
    end: () => client.end(),
  };
}

describe.each(['postgresql', 'mysql'] as const)('a deadlock victim on %s', (kind) => {
  let target: DisposableDatabaseUrl;
  let database: Database;
  const retries: string[] = [];

  beforeAll(async () => {
    target = await createEmptyDatabaseUrl(kind);
    database = await openDatabase(target.url, { onConflictRetry: (code) => retries.push(code) });
    await database.db.$executeRawUnsafe(
      'CREATE TABLE counters (id INT PRIMARY KEY, n INT NOT NULL)',
    );
    const rows = Array.from({ length: 50 }, (_, i) => `(${i + 1}, 0)`).join(', ');
    await database.db.$executeRawUnsafe(`INSERT INTO counters (id, n) VALUES ${rows}`);
  });
  afterAll(async () => {
    await database?.close();
    await target?.drop();
  });

  it('is sent again after the other transaction commits, and counts once', async () => {
    const other = await rawSession(kind, target.url);
    try {
      // The other transaction changes many rows (so MariaDB picks ours, the smaller, as the
      // victim) and holds row 1.
      await other.run(kind === 'mysql' ? 'START TRANSACTION' : 'BEGIN');
      await other.run('UPDATE counters SET n = n + 100 WHERE id >= 3');
      await other.run('UPDATE counters SET n = n + 100 WHERE id = 1');
      // Ours: one autocommit statement that locks row 2, then waits for row 1.
      const ours = database.direct.execute(
        kind === 'mysql'
          ? {
              sql: 'UPDATE counters SET n = n + 1 WHERE id IN (1, 2) ORDER BY id DESC',
              text: '',
              values: [],
            }
          : {
              sql: '',
              text: 'UPDATE counters SET n = n + 1 WHERE id IN (SELECT id FROM counters WHERE id IN (1, 2) ORDER BY id DESC FOR UPDATE)',
              values: [],
            },
      );
      await sleep(300);
      // Row 2 closes the cycle; the server ends ours (PostgreSQL: the first waiter's deadlock
      // check, after deadlock_timeout) and ours is retried behind this transaction's locks.
      await other.run('UPDATE counters SET n = n + 100 WHERE id = 2');
      await other.run('COMMIT');
      expect(await ours).toBe(2);
    } finally {
      await other.end();
    }
    expect(retries).toContain(kind === 'mysql' ? '1213' : '40P01');
    const rows = await database.db.$queryRawUnsafe<{ id: number | bigint; n: number | bigint }[]>(
      'SELECT id, n FROM counters WHERE id <= 3 ORDER BY id',
    );
    expect(rows.map((r) => [Number(r.id), Number(r.n)])).toEqual([
      [1, 101],
      [2, 101],
      [3, 100],
    ]);
  });
});
