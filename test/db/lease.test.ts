// The per-strategy lease that keeps two replicas from scanning one strategy at once: one
// atomic statement per acquire, on both databases, including under concurrent acquires.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScanStore } from '../../src/db/scan-store.ts';
import type { ScanStore } from '../../src/core/ports/scan-store.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';

describe.each(DATABASE_KINDS)('strategy lease on %s', (kind) => {
  let database: TestDatabase;
  let store: ScanStore;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = createScanStore(database);
  });
  afterAll(async () => {
    await database.destroy();
  });

  it('is held by one holder until it expires or is released', async () => {
    const t = 1_000_000;
    expect(await store.acquireLease(1, 'a', t, 1000)).toBe(true);
    expect(await store.acquireLease(1, 'b', t + 10, 1000)).toBe(false);
    expect(await store.acquireLease(1, 'a', t + 500, 1000)).toBe(true); // renewal extends to t+1500
    expect(await store.acquireLease(1, 'b', t + 1200, 1000)).toBe(false);
    expect(await store.acquireLease(1, 'b', t + 1501, 1000)).toBe(true); // expired: taken over
    expect(await store.acquireLease(1, 'a', t + 1600, 1000)).toBe(false);
    await store.releaseLease(1, 'a'); // not the holder: no effect
    expect(await store.acquireLease(1, 'a', t + 1700, 1000)).toBe(false);
    await store.releaseLease(1, 'b');
    expect(await store.acquireLease(1, 'a', t + 1800, 1000)).toBe(true);
  });

  it('lets exactly one of many simultaneous acquirers win', async () => {
    const holders = Array.from({ length: 12 }, (_, i) => `replica-${i}`);
    const won = await Promise.all(
      holders.map((holder) => store.acquireLease(2, holder, 5_000, 60_000)),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
  });

  it('releases unsent claims only while the lease is held, and only rows never attempted', async () => {
    const t = 2_000_000;
    // A real strategy: claims of a deleted one are given back without a lease (last case).
    const { id } = await database.db.quotaStrategy.create({
      data: {
        name: `lease-release-${kind}`,
        title: 't',
        type: 'single',
        amount: 1,
        timezone: 'UTC',
        condition: 'true()',
      },
    });
    await database.db.userInfo.createMany({
      data: ['r1', 'r2', 'r3', 'r4', 'r5'].map((u) => ({ id: u })),
    });
    const claimed = await store.claimEntries(
      ['r1', 'r2', 'r3', 'r4', 'r5'].map((userId) => ({
        strategyId: id,
        occurrence: 'once',
        userId,
        amount: 1,
        idempotencyKey: `qm:${id}:once:${userId}`,
        catchUp: false,
      })),
    );
    const [r1, r2, r3, r4, r5] = claimed.map((grant) => grant.id) as [
      number,
      number,
      number,
      number,
      number,
    ];
    await store.recordOutcomes([{ id: r4, status: 'applied', lastError: null }]);
    // No lease: nothing is deleted.
    expect(await store.releaseClaims(id, 'me', [r1, r2], t)).toBe(0);
    expect(await store.acquireLease(id, 'me', t, 1000)).toBe(true);
    // Someone else's name, or our lease lapsed: nothing.
    expect(await store.releaseClaims(id, 'other', [r1], t + 10)).toBe(0);
    expect(await store.releaseClaims(id, 'me', [r1], t + 1001)).toBe(0);
    // Held: pending and sending rows go; the applied one stays whatever we ask.
    expect(await store.markSending({ id, version: 1 }, [{ id: r2, totalBefore: null }])).toBe(1);
    expect(await store.releaseClaims(id, 'me', [r1, r2, r4], t + 10)).toBe(2);
    const left = await store.findEntries(id, ['pending', 'applied'], { limit: 10 });
    expect(left.map((grant) => grant.id)).toEqual([r3, r4, r5]);
    // The strategy deleted (its lease goes with it): its unsent claims can still be given back.
    await database.db.strategyLease.deleteMany({ where: { strategyId: id } });
    await database.db.quotaStrategy.delete({ where: { id } });
    expect(await store.releaseClaims(id, 'me', [r5], t + 5000)).toBe(1);
  });

  it("marks rows sending only while the strategy is enabled at the run's version", async () => {
    const { id } = await database.db.quotaStrategy.create({
      data: {
        name: `mark-${kind}`,
        title: 't',
        type: 'single',
        amount: 1,
        timezone: 'UTC',
        condition: 'true()',
      },
    });
    await database.db.userInfo.createMany({ data: [{ id: 'm1' }, { id: 'm2' }] });
    const [m1, m2] = (
      await store.claimEntries(
        ['m1', 'm2'].map((userId) => ({
          strategyId: id,
          occurrence: 'once',
          userId,
          amount: 1,
          idempotencyKey: `qm:${id}:once:${userId}`,
          catchUp: false,
        })),
      )
    ).map((g) => g.id) as [number, number];
    expect(await store.markSending({ id, version: 2 }, [{ id: m1, totalBefore: 1.1 }])).toBe(0);
    expect(await store.markSending({ id, version: 1 }, [{ id: m1, totalBefore: 0.3 }])).toBe(1);
    const [row] = await store.findEntries(id, ['sending'], { limit: 10 });
    expect(row).toMatchObject({ id: m1, totalBefore: 0.3 });
    await database.db.quotaStrategy.update({ where: { id }, data: { enabled: false } });
    expect(await store.markSending({ id, version: 1 }, [{ id: m2, totalBefore: null }])).toBe(0);
  });
});
