// The scan store's ledger writes (claims and outcomes) use one JSON parameter per statement on
// each database. What they store must read back through Prisma exactly as the portable
// statements stored it: amounts with their decimals, the catch-up flag, timestamps, and only
// the rows this claim inserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idempotencyKey, type NewLedgerEntry } from '../../src/core/model/ledger-entry.ts';
import type { ScanStore } from '../../src/core/ports/scan-store.ts';
import { createScanStore } from '../../src/db/scan-store.ts';
import { decimalToNumber } from '../../src/db/row-mappers.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';

const USERS = 2_500; // more than one statement's worth of rows

describe.each(DATABASE_KINDS)('ledger writes on %s', (kind) => {
  let database: TestDatabase;
  let store: ScanStore;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = createScanStore(database);
    await database.db.userInfo.createMany({
      data: Array.from({ length: USERS }, (_, i) => ({ id: `w${String(i).padStart(5, '0')}` })),
    });
  });
  afterAll(async () => {
    await database?.destroy();
  });

  const grant = (
    strategyId: number,
    userId: string,
    amount: number,
    catchUp = false,
  ): NewLedgerEntry => ({
    strategyId,
    occurrence: 'once',
    userId,
    amount,
    idempotencyKey: idempotencyKey(strategyId, 'once', userId),
    catchUp,
  });

  /**
   * These rows belong to no strategy row: a strategy that does not exist has no lease to hold,
   * so any token may write them (as the last holder of a deleted strategy may).
   */
  const fence = (strategyId: number) => ({ strategyId, token: 1 });

  it('claims store every field as written and return only the rows they inserted', async () => {
    const before = Date.now();
    const first = await store.claimEntries(
      [grant(1, 'w00000', 12.5, true), grant(1, 'w00001', 0.01)],
      fence(1),
    );
    expect(first.map((g) => g.userId).sort()).toEqual(['w00000', 'w00001']);
    // The same grants again (another replica, a retry): nothing new is claimed.
    const again = await store.claimEntries(
      [grant(1, 'w00000', 12.5, true), grant(1, 'w00002', 3)],
      fence(1),
    );
    expect(again.map((g) => g.userId)).toEqual(['w00002']);
    expect(again[0]).toMatchObject({
      strategyId: 1,
      occurrence: 'once',
      userId: 'w00002',
      amount: 3,
      attempts: 0,
      idempotencyKey: 'qm:1:once:w00002',
    });

    const rows = await database.db.quotaExecute.findMany({
      where: { strategyId: 1 },
      orderBy: { userId: 'asc' },
    });
    expect(
      rows.map((r) => [
        r.userId,
        decimalToNumber(r.amount),
        r.status,
        r.attempts,
        r.catchUp,
        r.idempotencyKey,
      ]),
    ).toEqual([
      ['w00000', 12.5, 'pending', 0, true, 'qm:1:once:w00000'],
      ['w00001', 0.01, 'pending', 0, false, 'qm:1:once:w00001'],
      ['w00002', 3, 'pending', 0, false, 'qm:1:once:w00002'],
    ]);
    for (const row of rows) {
      expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(before - 5);
      expect(row.createdAt.getTime()).toBeLessThanOrEqual(Date.now() + 5);
      expect(row.updatedAt.getTime()).toBe(row.createdAt.getTime());
    }
    expect(first.find((g) => g.userId === 'w00000')!.id).toBe(rows[0]!.id);
  });

  it('claims and records pages larger than one statement', async () => {
    const users = Array.from({ length: USERS }, (_, i) => `w${String(i).padStart(5, '0')}`);
    // A strategy with a lease this time: marks need one enabled at the run's version.
    const { id: strategyId } = await database.db.quotaStrategy.create({
      data: {
        name: 'pages',
        title: 't',
        type: 'single',
        amount: 1,
        timezone: 'UTC',
        condition: 'true()',
      },
    });
    const lease = await store.acquireLease(strategyId, 'pages', 60_000);
    const held = { strategyId, token: lease!.token };
    const claimed = await store.claimEntries(
      // Its own occurrence: the first case's rows may share this strategy id.
      users.map((u) => ({ ...grant(strategyId, u, 1), occurrence: 'pages' })),
      held,
    );
    expect(claimed).toHaveLength(USERS);
    const marked = await store.markSending(
      held,
      1,
      claimed.map((g) => ({
        id: g.id,
        totalBefore: null,
        expectedStatus: 'pending',
        expectedToken: held.token,
      })),
    );
    expect(marked).toBe(USERS);
    const recorded = await store.recordOutcomes(
      held,
      claimed.map((g, i) =>
        i === 7
          ? { id: g.id, status: 'failed', lastError: 'HTTP 503' }
          : { id: g.id, status: 'applied', lastError: null },
      ),
    );
    expect(recorded).toBe(USERS);
    const counts = await database.db.quotaExecute.groupBy({
      by: ['status', 'attempts'],
      where: { strategyId, occurrence: 'pages' },
      _count: { _all: true },
    });
    expect(counts.map((c) => [c.status, c.attempts, c._count._all]).sort()).toEqual([
      ['applied', 1, USERS - 1],
      ['failed', 1, 1],
    ]);
    const failed = await database.db.quotaExecute.findFirstOrThrow({
      where: { strategyId, occurrence: 'pages', status: 'failed' },
    });
    expect(failed.lastError).toBe('HTTP 503');
    expect(failed.userId).toBe(claimed[7]!.userId);
  });

  it('a claim with several rows of one user (lots expiring together) returns each with its own key and amount', async () => {
    const strategyId = 79;
    const lot = (occurrence: string, amount: number): NewLedgerEntry => ({
      ...grant(strategyId, 'w00020', amount),
      occurrence,
      idempotencyKey: idempotencyKey(strategyId, occurrence, 'w00020'),
    });
    const claimed = await store.claimEntries(
      [lot('5:once', -70), lot('6:once', -50), lot('7:once', 0)],
      fence(strategyId),
    );
    expect(claimed).toHaveLength(3);
    const stored = await database.db.quotaExecute.findMany({ where: { strategyId } });
    for (const entry of claimed) {
      const row = stored.find((r) => r.id === entry.id)!;
      expect([entry.occurrence, entry.idempotencyKey, entry.amount]).toEqual([
        row.occurrence,
        row.idempotencyKey,
        decimalToNumber(row.amount),
      ]);
    }
    expect(claimed.map((e) => e.amount).sort((a, b) => a - b)).toEqual([-70, -50, 0]);
  });

  it('finds the users with another row sending, of any strategy, leaving the asked rows out', async () => {
    const strategyId = 77;
    const at = (occurrence: string, userId: string): NewLedgerEntry => ({
      ...grant(strategyId, userId, 1),
      occurrence,
      idempotencyKey: idempotencyKey(strategyId, occurrence, userId),
    });
    // One occurrence per claim, as a run claims.
    const claimed = [
      ...(await store.claimEntries([at('a', 'w00010'), at('a', 'w00011')], fence(strategyId))),
      ...(await store.claimEntries([at('b', 'w00010'), at('b', 'w00012')], fence(strategyId))),
    ];
    const id = (occurrence: string, userId: string) =>
      claimed.find((g) => g.occurrence === occurrence && g.userId === userId)!.id;
    // Occurrence a's rows go out; b's stay pending.
    await store.markSending(
      fence(strategyId),
      null,
      [id('a', 'w00010'), id('a', 'w00011')].map((rowId) => ({
        id: rowId,
        totalBefore: null,
        expectedStatus: 'pending',
        expectedToken: 1,
      })),
    );
    const users = ['w00010', 'w00011', 'w00012'];
    expect([...(await store.usersWithDeltasInFlight(users, [id('b', 'w00010')]))].sort()).toEqual([
      'w00010',
      'w00011',
    ]);
    // The sending row itself is left out when asked about: nothing else of w00011 is in flight.
    expect([...(await store.usersWithDeltasInFlight(['w00011'], [id('a', 'w00011')]))]).toEqual([]);
    // Another strategy's row in flight counts as well: any delta may land on the balance.
    const [other] = await store.claimEntries(
      [grant(strategyId + 1, 'w00012', 1)],
      fence(strategyId + 1),
    );
    expect([...(await store.usersWithDeltasInFlight(['w00012'], []))]).toEqual([]);
    await store.markSending(fence(strategyId + 1), null, [
      { id: other!.id, totalBefore: null, expectedStatus: 'pending', expectedToken: 1 },
    ]);
    expect([...(await store.usersWithDeltasInFlight(['w00012'], []))]).toEqual(['w00012']);
    expect([...(await store.usersWithDeltasInFlight(['w00012'], [other!.id]))]).toEqual([]);
    expect([...(await store.usersWithDeltasInFlight([], []))]).toEqual([]);
  });
});
