// The per-strategy lease that keeps two replicas from scanning one strategy at once: one
// atomic statement per acquire, on both databases, including under concurrent acquires.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScanStore } from '../../src/db/scan-store.ts';
import type { ScanStore } from '../../src/core/scan/ports.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';

describe.each(DATABASE_KINDS)('strategy lease on %s', (kind) => {
  let database: TestDatabase;
  let store: ScanStore;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = createScanStore(database.db);
  });
  afterAll(async () => { await database.destroy(); });

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
    const won = await Promise.all(holders.map((holder) => store.acquireLease(2, holder, 5_000, 60_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
  });
});
