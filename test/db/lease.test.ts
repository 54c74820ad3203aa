// The per-strategy lease and the fenced ledger transitions, on every database: a new token per
// acquisition on the database's clock, renewals only for the current token, and ledger writes
// that change nothing once the writer's token no longer holds the lease. The last cases are the
// store-level half of the stalled-replica reproduction (issue 22): before fencing, a stalled
// holder re-marked rows the new holder had applied and turned them back into `failed`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerFence, NewLedgerEntry } from '../../src/core/model/ledger-entry.ts';
import type { ScanStore } from '../../src/core/ports/scan-store.ts';
import { createScanStore } from '../../src/db/scan-store.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';

/** Strategy ids no strategy row has: leases on their own, away from the strategies below. */
const LEASE_ONLY = 1_000_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

  const strategy = async (name: string) =>
    database.db.quotaStrategy.create({
      data: {
        name: `${name}-${kind}`,
        title: 't',
        type: 'single',
        amount: 1,
        timezone: 'UTC',
        condition: 'true()',
      },
    });
  const grants = (strategyId: number, users: string[]): NewLedgerEntry[] =>
    users.map((userId) => ({
      strategyId,
      occurrence: 'once',
      userId,
      amount: 1,
      idempotencyKey: `qm:${strategyId}:once:${userId}`,
      catchUp: false,
    }));
  const fenceOf = async (strategyId: number, holder: string, ttlMs = 60_000) => {
    const grant = await store.acquireLease(strategyId, holder, ttlMs);
    if (grant === null) throw new Error(`${holder} could not take the lease`);
    return { strategyId, token: grant.token } satisfies LedgerFence;
  };
  const statusOf = async (id: number) =>
    (await database.db.quotaExecute.findUniqueOrThrow({ where: { id } })).status;

  it('is taken with a new, larger token each time, and renewed only by the token holding it', async () => {
    const a = await store.acquireLease(LEASE_ONLY, 'a', 400);
    expect(a).not.toBeNull();
    // Held: nobody takes it, not even the same holder name (an acquisition is never a renewal).
    expect(await store.acquireLease(LEASE_ONLY, 'b', 400)).toBeNull();
    expect(await store.acquireLease(LEASE_ONLY, 'a', 400)).toBeNull();
    expect(await store.renewLease(LEASE_ONLY, a!.token, 400)).toBe(true);
    await sleep(600);
    // Expired: a renewal reports it lost rather than taking it again…
    expect(await store.renewLease(LEASE_ONLY, a!.token, 400)).toBe(false);
    // …and the next acquisition gets a larger token.
    const b = await store.acquireLease(LEASE_ONLY, 'b', 60_000);
    expect(b!.token).toBeGreaterThan(a!.token);
    expect(await store.renewLease(LEASE_ONLY, a!.token, 60_000)).toBe(false);
    // Released: free at once, and the token sequence goes on.
    await store.releaseLease(LEASE_ONLY, a!.token); // not the holder: no effect
    expect(await store.acquireLease(LEASE_ONLY, 'c', 60_000)).toBeNull();
    await store.releaseLease(LEASE_ONLY, b!.token);
    const c = await store.acquireLease(LEASE_ONLY, 'c', 60_000);
    expect(c!.token).toBeGreaterThan(b!.token);
  });

  it("reads the database's clock, not the caller's", async () => {
    const before = Date.now();
    const grant = await store.acquireLease(LEASE_ONLY + 1, 'clock', 1000);
    // This process and the test database share a host; a replica's skewed clock plays no part.
    expect(Math.abs(grant!.databaseNowMs - before)).toBeLessThan(5_000);
  });

  it('lets exactly one of many simultaneous acquirers win', async () => {
    const holders = Array.from({ length: 12 }, (_, i) => `replica-${i}`);
    const won = await Promise.all(
      holders.map((holder) => store.acquireLease(LEASE_ONLY + 2, holder, 60_000)),
    );
    expect(won.filter((grant) => grant !== null)).toHaveLength(1);
  });

  it('releases unsent claims only under the lease that claimed them, and only rows never attempted', async () => {
    const { id } = await strategy('lease-release');
    await database.db.userInfo.createMany({
      data: ['r1', 'r2', 'r3', 'r4', 'r5'].map((u) => ({ id: u })),
    });
    const mine = await fenceOf(id, 'me');
    const claimed = await store.claimEntries(grants(id, ['r1', 'r2', 'r3', 'r4', 'r5']), mine);
    const [r1, r2, r3, r4, r5] = claimed.map((grant) => grant.id) as [
      number,
      number,
      number,
      number,
      number,
    ];
    const mark = (ids: number[], fence = mine) =>
      store.markSending(
        fence,
        1,
        ids.map((rowId) => ({
          id: rowId,
          totalBefore: null,
          expectedStatus: 'pending',
          expectedToken: mine.token,
        })),
      );
    expect(await mark([r4])).toBe(1);
    expect(await store.recordOutcomes(mine, [{ id: r4, status: 'applied', lastError: null }])).toBe(
      1,
    );
    // Another token (a stale one) changes nothing.
    expect(await store.releaseClaims({ strategyId: id, token: mine.token + 1 }, [r1])).toBe(0);
    // Held: pending and sending rows go; the applied one stays whatever we ask.
    expect(await mark([r2])).toBe(1);
    expect(await store.releaseClaims(mine, [r1, r2, r4])).toBe(2);
    const left = await store.findEntries(id, ['pending', 'applied'], { limit: 10 });
    expect(left.map((grant) => grant.id)).toEqual([r3, r4, r5]);
    // The lease released: nothing more is given back by its token.
    await store.releaseLease(id, mine.token);
    expect(await store.releaseClaims(mine, [r3])).toBe(0);
    // The strategy deleted (its lease goes with it): its unsent claims can still be given back.
    await database.db.strategyLease.deleteMany({ where: { strategyId: id } });
    await database.db.quotaStrategy.delete({ where: { id } });
    expect(await store.releaseClaims(mine, [r5])).toBe(1);
  });

  it("marks rows sending only while the strategy is enabled at the run's version", async () => {
    const { id } = await strategy('mark');
    await database.db.userInfo.createMany({ data: [{ id: 'm1' }, { id: 'm2' }] });
    const fence = await fenceOf(id, 'marker');
    const [m1, m2] = (await store.claimEntries(grants(id, ['m1', 'm2']), fence)).map(
      (g) => g.id,
    ) as [number, number];
    const request = (rowId: number, totalBefore: number | null) => ({
      id: rowId,
      totalBefore,
      expectedStatus: 'pending' as const,
      expectedToken: fence.token,
    });
    expect(await store.markSending(fence, 2, [request(m1, 1.1)])).toBe(0);
    expect(await store.markSending(fence, 1, [request(m1, 0.3)])).toBe(1);
    const [row] = await store.findEntries(id, ['sending'], { limit: 10 });
    expect(row).toMatchObject({ id: m1, totalBefore: 0.3, leaseToken: fence.token });
    await database.db.quotaStrategy.update({ where: { id }, data: { enabled: false } });
    expect(await store.markSending(fence, 1, [request(m2, null)])).toBe(0);
  });

  it('refuses every ledger write of a holder whose lease was taken over (a stalled replica)', async () => {
    const { id } = await strategy('stalled');
    const users = ['s1', 's2', 's3', 's4'];
    await database.db.userInfo.createMany({ data: users.map((u) => ({ id: u })) });
    // A claims and marks, then stalls past its lease.
    const a = await fenceOf(id, 'a', 300);
    const claimed = await store.claimEntries(grants(id, ['s1', 's2', 's3']), a);
    const [s1, s2, s3] = claimed.map((g) => g.id) as [number, number, number];
    expect(
      await store.markSending(a, 1, [
        { id: s1, totalBefore: null, expectedStatus: 'pending', expectedToken: a.token },
      ]),
    ).toBe(1);
    await sleep(500);
    // B takes over: sends the pending rows and records them.
    const b = await fenceOf(id, 'b');
    const [rowS2, rowS3] = await store.findEntries(id, ['pending'], { limit: 10 });
    expect(
      await store.markSending(
        b,
        1,
        [rowS2!, rowS3!].map((r) => ({
          id: r.id,
          totalBefore: null,
          expectedStatus: r.status!,
          expectedToken: r.leaseToken!,
        })),
      ),
    ).toBe(2);
    expect(
      await store.recordOutcomes(b, [
        { id: s2, status: 'applied', lastError: null },
        { id: s3, status: 'applied', lastError: null },
      ]),
    ).toBe(2);
    // A wakes up. It can neither re-mark B's rows, nor claim, nor overwrite an outcome, nor
    // release: every write answers 0 and changes nothing.
    expect(
      await store.markSending(a, 1, [
        { id: s2, totalBefore: null, expectedStatus: 'pending', expectedToken: a.token },
        { id: s3, totalBefore: null, expectedStatus: 'applied', expectedToken: b.token },
      ]),
    ).toBe(0);
    expect(await store.claimEntries(grants(id, ['s4']), a)).toEqual([]);
    expect(
      await store.recordOutcomes(a, [
        { id: s1, status: 'failed', lastError: 'not sent' },
        { id: s2, status: 'failed', lastError: 'not sent' },
      ]),
    ).toBe(0);
    expect(await store.releaseClaims(a, [s1, s2])).toBe(0);
    expect([await statusOf(s1), await statusOf(s2), await statusOf(s3)]).toEqual([
      'sending',
      'applied',
      'applied',
    ]);
    // B stamps a settle time on A's row in doubt once; a second stamp changes nothing.
    const [doubt] = await store.findEntries(id, ['sending'], { limit: 10 });
    expect(doubt).toMatchObject({ id: s1, leaseToken: a.token, settleAfter: null });
    const stamp = [{ id: s1, expectedToken: a.token }];
    expect(await store.deferSettlement(b, stamp, 1_000)).toBe(1);
    expect(await store.deferSettlement(b, stamp, 9_000)).toBe(0);
    expect((await store.findEntries(id, ['sending'], { limit: 10 }))[0]!.settleAfter).toBe(1_000);
  });

  it('keeps error text every database can store (NUL, lone surrogates)', async () => {
    const { id } = await strategy('error-text');
    await database.db.userInfo.create({ data: { id: 'e1' } });
    const fence = await fenceOf(id, 'text');
    const [e1] = await store.claimEntries(grants(id, ['e1']), fence);
    await store.markSending(fence, 1, [
      { id: e1!.id, totalBefore: null, expectedStatus: 'pending', expectedToken: fence.token },
    ]);
    const text = 'gateway said \u0000 and \ud800 then 好 😀';
    expect(
      await store.recordOutcomes(fence, [{ id: e1!.id, status: 'failed', lastError: text }]),
    ).toBe(1);
    const row = await database.db.quotaExecute.findUniqueOrThrow({ where: { id: e1!.id } });
    expect(row.lastError).toBe('gateway said \uFFFD and \uFFFD then 好 😀');
  });
});
