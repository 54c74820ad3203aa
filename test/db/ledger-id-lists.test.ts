// Statements that change ledger rows named by id (clearing lots' markers, releasing claims) find
// them by the primary key on every database, asked of its planner: on MariaDB before 11.1 an
// `id IN (subquery)` in a single-table UPDATE or DELETE is no semi-join, and every statement read
// the whole ledger once per listed id (a 200 000-lot expiry's transactions ran past their
// timeout, and no lot expired).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKey, type NewLedgerEntry } from '../../src/core/model/ledger-entry.ts';
import { Prisma } from '../../src/db/client.ts';
import { lotsMadeSql } from '../../src/db/lot-event-sql.ts';
import { createScanStore } from '../../src/db/scan-store.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';

const ROWS = 2_000;
const STRATEGY = 77;

describe.each(DATABASE_KINDS)('ledger rows named by id on %s', (kind) => {
  let database: TestDatabase;
  let ids: number[];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const users = Array.from({ length: ROWS }, (_, i) => `l${String(i).padStart(5, '0')}`);
    await database.db.userInfo.createMany({ data: users.map((id) => ({ id })) });
    const grants: NewLedgerEntry[] = users.map((userId) => ({
      strategyId: STRATEGY,
      occurrence: 'once',
      userId,
      amount: 1,
      idempotencyKey: idempotencyKey(STRATEGY, 'once', userId),
      catchUp: false,
    }));
    // No strategy row: no lease to hold, any token writes them (ledger-writes.test.ts).
    const claimed = await createScanStore(database).claimEntries(grants, {
      strategyId: STRATEGY,
      token: 1,
    });
    ids = claimed.map((g) => g.id).sort((a, b) => a - b);
    await database.db.quotaExecute.updateMany({ data: { lotDue: true } });
    // The planner's statistics of a table that now has rows (MariaDB and PostgreSQL).
    if (kind === 'mysql') await database.db.$executeRawUnsafe('ANALYZE TABLE quota_execute');
    if (kind === 'postgresql') await database.db.$executeRawUnsafe('ANALYZE quota_execute');
  });
  afterAll(() => database?.destroy());

  it('clears the markers of the listed grants only', async () => {
    const listed = [ids[3]!, ids[500]!, ids[1999]!];
    expect(await database.db.$executeRaw(lotsMadeSql(kind, listed))).toBe(3);
    const cleared = await database.db.quotaExecute.findMany({
      where: { lotDue: null },
      select: { id: true },
      orderBy: { id: 'asc' },
    });
    expect(cleared.map((r) => r.id)).toEqual(listed);
  });

  it('finds the listed rows by the primary key, not by reading the ledger', async () => {
    const statement = lotsMadeSql(kind, ids.slice(0, 400));
    let plan: string;
    if (kind === 'mysql') {
      const rows = await database.db.$queryRaw<{ type: string; key: string | null }[]>(
        Prisma.sql`EXPLAIN ${statement}`,
      );
      plan = rows.map((r) => `${r.type} ${r.key}`).join('\n');
      expect(plan).not.toMatch(/^ALL /m);
      expect(plan).toContain('PRIMARY');
    } else if (kind === 'postgresql') {
      plan = await database.db.$transaction(async (tx) => {
        await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
        const rows = await tx.$queryRaw<{ 'QUERY PLAN': string }[]>(
          Prisma.sql`EXPLAIN ${statement}`,
        );
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
      expect(plan).toContain('quota_execute_pkey');
    } else {
      const rows = await database.db.$queryRaw<{ detail: string }[]>(
        Prisma.sql`EXPLAIN QUERY PLAN ${statement}`,
      );
      plan = rows.map((r) => r.detail).join('\n');
      expect(plan).toMatch(/SEARCH quota_execute USING INTEGER PRIMARY KEY/);
    }
  });
});
