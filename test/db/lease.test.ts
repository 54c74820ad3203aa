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
    await database.db.userInfo.createMany({ data: ['r1', 'r2', 'r3', 'r4'].map((id) => ({ id })) });
    const claimed = await store.claimEntries(
      ['r1', 'r2', 'r3', 'r4'].map((userId) => ({
        strategyId: 3,
        occurrence: 'once',
        userId,
        amount: 1,
        idempotencyKey: `qm:3:once:${userId}`,
        catchUp: false,
      })),
    );
    const [r1, r2, r3, r4] = claimed.map((grant) => grant.id) as [number, number, number, number];
    await store.recordOutcomes([{ id: r4, status: 'applied', lastError: null }]);
    // No lease: nothing is deleted.
    expect(await store.releaseClaims(3, 'me', [r1, r2], t)).toBe(0);
    expect(await store.acquireLease(3, 'me', t, 1000)).toBe(true);
    // Someone else's name, or our lease lapsed: nothing.
    expect(await store.releaseClaims(3, 'other', [r1], t + 10)).toBe(0);
    expect(await store.releaseClaims(3, 'me', [r1], t + 1001)).toBe(0);
    // Held: pending rows go; the applied one stays whatever we ask.
    expect(await store.releaseClaims(3, 'me', [r1, r2, r4], t + 10)).toBe(2);
    const left = await store.findEntries(3, ['pending', 'applied'], { limit: 10 });
    expect(left.map((grant) => grant.id)).toEqual([r3, r4]);
  });
});
