// SQLite statements run synchronously on the event loop; the daemon times each one
// (src/db/timed-sqlite.ts) and charges it to the scan phase running. The timing must cover the
// statement's real work, in and out of transactions.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';

const dir = mkdtempSync(join(tmpdir(), 'qm-timing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SQLite statement timing', () => {
  it('reports every statement with its SQL and the time it held the event loop', async () => {
    const seen: { ms: number; sql: string }[] = [];
    const database = await openDatabase(`file:${join(dir, 'timing.db')}`, {
      onSqliteStatement: (ms, sql) => seen.push({ ms, sql }),
    });
    try {
      // A recursive CTE of 3 million rows: tens of milliseconds of synchronous work.
      await database.db.$queryRawUnsafe(
        'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) SELECT COUNT(*) AS c FROM n',
      );
      await database.db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('CREATE TABLE IF NOT EXISTS t (x INTEGER)');
      });
    } finally {
      await database.close();
    }
    const heavy = seen.find((s) => s.sql.startsWith('WITH RECURSIVE'));
    expect(heavy!.ms).toBeGreaterThan(20);
    expect(seen.some((s) => s.sql.startsWith('CREATE TABLE'))).toBe(true);
    // Cheap statements are reported too, with their own small times.
    expect(seen.some((s) => s.sql.startsWith('PRAGMA') && s.ms < heavy!.ms)).toBe(true);
  });
});
