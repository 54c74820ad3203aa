// A tick's quick answer for single strategies with nothing to do (src/core/scan/up-to-date.ts,
// issue 16 §1): no lease, no paging through the ledger. What it must not cost: a changed user,
// a row left to settle, a new version or a gateway condition still gets a real run, under the
// lease. The lease makes the difference visible: while another replica holds it, a real run is
// refused (the strategy is not counted in the scan's summary), the quick answer is not.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ScanStore } from '../../src/core/ports/scan-store.ts';
import { createScanStore } from '../../src/db/scan-store.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';

const OTHER_REPLICA = 'another-replica';
const LEASE_MS = 600_000;
let created = 0;

describe.each(DATABASE_KINDS)('up-to-date ticks on %s', (kind) => {
  let h: Harness;
  let store: ScanStore;
  beforeEach(async () => {
    h = await createHarness(kind, { ledgerMaxAttempts: 2 });
    store = createScanStore(h.database);
  });
  afterEach(async () => {
    await h.destroy();
  });

  async function putUsers(users: Record<string, unknown>[]): Promise<void> {
    const response = await h.call('POST', '/api/v1/users/bulk', users);
    expect(response).toMatchObject({ status: 200, body: { upserted: users.length } });
  }

  async function createStrategy(condition: string): Promise<number> {
    const response = await h.call('POST', '/api/v1/strategies', {
      name: `up-to-date-${++created}`,
      title: 'up to date',
      type: 'single',
      enabled: true,
      amount: 2,
      condition,
    });
    expect(response.status).toBe(201);
    return (response.body as { id: number }).id;
  }

  async function tick() {
    const response = await h.call('POST', '/api/v1/strategies/scan');
    expect(response.status).toBe(200);
    return response.body as { strategies: number; granted: number; failed: number };
  }

  /** Tokens of the leases the other replica holds, by strategy. */
  const held = new Map<number, number>();
  const holdLease = async (strategyId: number) => {
    const grant = await store.acquireLease(strategyId, OTHER_REPLICA, LEASE_MS);
    if (grant !== null) held.set(strategyId, grant.token);
    return grant !== null;
  };
  const releaseLease = (strategyId: number) =>
    store.releaseLease(strategyId, held.get(strategyId)!);
  // MySQL's acquisition tags the holder with a nonce (#…) to read back whether it won.
  const leaseHolder = async (strategyId: number) =>
    (await h.database.db.strategyLease.findUnique({ where: { strategyId } }))?.holder.split(
      '#',
    )[0] ?? null;
  const quotaOf = (userId: string) => h.mock.state().quotas[userId] ?? 0;

  it('a tick with nothing new neither takes the lease nor needs it; a changed user does', async () => {
    await putUsers([{ id: 'u-a', org: 'acme' }]);
    const id = await createStrategy('belong-to("acme")');
    expect(await tick()).toMatchObject({ strategies: 1, granted: 1 });

    expect(await holdLease(id)).toBe(true);
    // Up to date: looked at (counted), nothing granted, the other replica's lease untouched.
    expect(await tick()).toMatchObject({ strategies: 1, granted: 0, failed: 0 });
    expect(await leaseHolder(id)).toBe(OTHER_REPLICA);

    // A user who starts matching is work: it needs the lease, which the other replica holds.
    await putUsers([{ id: 'u-b', org: 'acme' }]);
    expect(await tick()).toMatchObject({ strategies: 0, granted: 0 });
    expect(quotaOf('u-b')).toBe(0);

    await releaseLease(id);
    expect(await tick()).toMatchObject({ strategies: 1, granted: 1 });
    expect(quotaOf('u-b')).toBe(2);
    expect(quotaOf('u-a')).toBe(2);
  });

  it('a failed grant is work for the next tick although no user changed, until its attempts run out', async () => {
    await putUsers([{ id: 'u-a', org: 'acme' }]);
    const id = await createStrategy('belong-to("acme")');
    h.mock.setFaults({ failure_rate: 1, status: 400 });
    try {
      expect(await tick()).toMatchObject({ strategies: 1, granted: 0, failed: 1 });
      // One attempt used of LEDGER_MAX_ATTEMPTS=2: the row is still to be settled.
      expect(await holdLease(id)).toBe(true);
      expect(await tick()).toMatchObject({ strategies: 0 });
      await releaseLease(id);
      expect(await tick()).toMatchObject({ strategies: 1, granted: 0, failed: 1 });
    } finally {
      h.mock.setFaults({ failure_rate: 0 });
    }
    // Out of attempts: the row stays failed for an operator, and the strategy is up to date.
    const rows = await h.database.db.quotaExecute.findMany({ where: { strategyId: id } });
    expect(rows.map((r) => [r.status, r.attempts])).toEqual([['failed', 2]]);
    expect(await holdLease(id)).toBe(true);
    expect(await tick()).toMatchObject({ strategies: 1, granted: 0, failed: 0 });
  });

  it('a failed grant with attempts left is granted by the next tick', async () => {
    await putUsers([{ id: 'u-a', org: 'acme' }]);
    await createStrategy('belong-to("acme")');
    h.mock.setFaults({ failure_rate: 1, status: 400 });
    try {
      expect(await tick()).toMatchObject({ granted: 0, failed: 1 });
    } finally {
      h.mock.setFaults({ failure_rate: 0 });
    }
    expect(await tick()).toMatchObject({ strategies: 1, granted: 1, failed: 0 });
    expect(quotaOf('u-a')).toBe(2);
  });

  it('a new version and a condition that reads the gateway are never up to date', async () => {
    await putUsers([{ id: 'u-a', org: 'acme' }]);
    const id = await createStrategy('belong-to("acme")');
    expect(await tick()).toMatchObject({ strategies: 1, granted: 1 });
    const patched = await h.call('PATCH', `/api/v1/strategies/${id}`, { amount: 3 });
    expect(patched.status).toBe(200);
    expect(await holdLease(id)).toBe(true);
    expect(await tick()).toMatchObject({ strategies: 0 });
    await releaseLease(id);
    expect(await tick()).toMatchObject({ strategies: 1, granted: 0 });

    const gatewayReading = await createStrategy('belong-to("acme") and quota-le("m", 100)');
    expect(await tick()).toMatchObject({ strategies: 2, granted: 1 });
    expect(await holdLease(gatewayReading)).toBe(true);
    expect(await tick()).toMatchObject({ strategies: 1 }); // the other one only
  });
});
