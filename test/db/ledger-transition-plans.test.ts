// The scanner's ledger transitions (mark, outcome, defer) find each row by its key on every
// database, whatever the planner's statistics say, asked of the planner itself. With a constant
// `status IN (…) AND strategy_id = …` in them, PostgreSQL started from the status index when its
// statistics (taken while the ledger held applied rows only) showed no pending row, and walked
// every pending row of the strategy and the index entries of every row pending since the last
// vacuum, per statement: the mark's cost per row grew 3.2-fold from 100k to 1M users
// (bench/README.md §29). The same statements must still change only the rows they may.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKey, type NewLedgerEntry } from '../../src/core/model/ledger-entry.ts';
import { Prisma } from '../../src/db/client.ts';
import { deferSql, markSendingSql, outcomesSql } from '../../src/db/fenced-ledger-sql.ts';
import { createScanStore } from '../../src/db/scan-store.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';

const HISTORY = 3_000; // applied rows the statistics are taken on
const FRESH = 200; // pending rows claimed after: the statistics know none of them
const STRATEGY = 31;
const OTHER_STRATEGY = 32;
// No strategy row: no lease to hold, any token writes them (ledger-writes.test.ts).
const fence = { strategyId: STRATEGY, token: 1 };

describe.each(DATABASE_KINDS)('ledger transitions on %s', (kind) => {
  let database: TestDatabase;
  let pending: number[];
  let otherStrategyRow: number;

  const grants = (strategyId: number, prefix: string, count: number): NewLedgerEntry[] =>
    Array.from({ length: count }, (_, i) => {
      const userId = `${prefix}${String(i).padStart(5, '0')}`;
      return {
        strategyId,
        occurrence: 'once',
        userId,
        amount: 1,
        idempotencyKey: idempotencyKey(strategyId, 'once', userId),
        catchUp: false,
      };
    });

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const users = [...grants(STRATEGY, 'h', HISTORY), ...grants(STRATEGY, 'f', FRESH)];
    await database.db.userInfo.createMany({ data: users.map((g) => ({ id: g.userId })) });
    const store = createScanStore(database);
    await store.claimEntries(grants(STRATEGY, 'h', HISTORY), fence);
    await database.db.quotaExecute.updateMany({ data: { status: 'applied' } });
    if (kind === 'mysql') await database.db.$executeRawUnsafe('ANALYZE TABLE quota_execute');
    if (kind === 'postgresql') await database.db.$executeRawUnsafe('ANALYZE quota_execute');
    const fresh = await store.claimEntries(grants(STRATEGY, 'f', FRESH), fence);
    pending = fresh.map((g) => g.id).sort((a, b) => a - b);
    const [other] = await store.claimEntries(grants(OTHER_STRATEGY, 'h', 1), {
      strategyId: OTHER_STRATEGY,
      token: 1,
    });
    otherStrategyRow = other!.id;
  });
  afterAll(() => database?.destroy());

  const now = new Date('2026-12-07T12:00:00Z');
  const markRows = (ids: number[]) =>
    ids.map((id) => ({
      id,
      totalBefore: 10,
      expectedStatus: 'pending' as const,
      expectedToken: fence.token,
    }));
  const outcomeRows = (ids: number[]) =>
    ids.map((id) => ({
      id,
      status: 'applied' as const,
      lastError: null,
      attempts: 1,
      settleAfter: null,
    }));

  async function planOf(statement: Prisma.Sql): Promise<string> {
    if (kind === 'mysql') {
      const rows = await database.db.$queryRaw<
        { table: string; type: string; key: string | null }[]
      >(Prisma.sql`EXPLAIN ${statement}`);
      return rows.map((r) => `${r.table} ${r.type} ${r.key}`).join('\n');
    }
    if (kind === 'postgresql') {
      const rows = await database.db.$queryRaw<{ 'QUERY PLAN': string }[]>(
        Prisma.sql`EXPLAIN ${statement}`,
      );
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    }
    const rows = await database.db.$queryRaw<{ detail: string }[]>(
      Prisma.sql`EXPLAIN QUERY PLAN ${statement}`,
    );
    return rows.map((r) => r.detail).join('\n');
  }

  function expectFoundByKey(plan: string): void {
    if (kind === 'mysql') {
      expect(plan).toMatch(/^q eq_ref PRIMARY$/m);
    } else if (kind === 'postgresql') {
      expect(plan).toContain('Index Scan using quota_execute_pkey on quota_execute q');
      expect(plan).not.toMatch(/Seq Scan on quota_execute|status_strategy_id_idx/);
    } else {
      expect(plan).toMatch(/SEARCH q USING INTEGER PRIMARY KEY/);
    }
  }

  it('marks, settles and defers rows found by key, not by a status or strategy index', async () => {
    const batch = pending.slice(0, 16);
    expectFoundByKey(await planOf(markSendingSql(kind, fence, null, markRows(batch), now)));
    expectFoundByKey(await planOf(outcomesSql(kind, fence, outcomeRows(batch), now)));
    expectFoundByKey(
      await planOf(deferSql(kind, fence, [{ id: batch[0]!, expectedToken: 1 }], 1_000)),
    );
  });

  it('changes only rows of the fence’s strategy, in the status and token compared', async () => {
    const [a, b, c] = pending;
    // a and b are marked; the other strategy's row and a row under another token are not.
    const marked = await database.db.$executeRaw(
      markSendingSql(
        kind,
        fence,
        null,
        [
          ...markRows([a!, b!, otherStrategyRow]),
          { id: c!, totalBefore: 10, expectedStatus: 'pending', expectedToken: 2 },
        ],
        now,
      ),
    );
    expect(marked).toBe(2);
    // b is deferred; a is applied; neither outcome reaches c, still pending.
    expect(
      await database.db.$executeRaw(deferSql(kind, fence, [{ id: b!, expectedToken: 1 }], 5_000)),
    ).toBe(1);
    expect(
      await database.db.$executeRaw(outcomesSql(kind, fence, outcomeRows([a!, c!]), now)),
    ).toBe(1);
    const rows = await database.db.quotaExecute.findMany({
      where: { id: { in: [a!, b!, c!, otherStrategyRow] } },
      orderBy: { id: 'asc' },
      select: { id: true, status: true, settleAfter: true },
    });
    expect(rows.map((r) => [r.id, r.status, r.settleAfter])).toEqual(
      [
        [a, 'applied', null],
        [b, 'sending', 5_000n],
        [c, 'pending', null],
        [otherStrategyRow, 'pending', null],
      ].sort((x, y) => (x[0] as number) - (y[0] as number)),
    );
  });
});
