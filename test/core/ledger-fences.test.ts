// The three causes of issue 22, each replayed against the in-memory lease and ledger (the SQL's
// compare-and-set semantics): a writer whose lease ended must be refused, and must change
// nothing, however its statement is phrased.
import { describe, expect, it } from 'vitest';
import type { LedgerFence } from '../../src/core/model/ledger-entry.ts';
import { idempotencyKey } from '../../src/core/model/ledger-entry.ts';
import { RunLease } from '../../src/core/scan/run-lease.ts';
import { DatabaseClock, MemoryLeases } from '../support/memory-lease.ts';
import { MemoryLedger } from '../support/memory-ledger.ts';
import { silent } from '../support/ledger-model/world.ts';

const LEASE_MS = 3000;
const STRATEGY = 7;

function database() {
  const clock = new DatabaseClock();
  const leases = new MemoryLeases(clock);
  const ledger = new MemoryLedger(leases);
  ledger.strategies.set(STRATEGY, { version: 1, enabled: true });
  return { clock, leases, ledger };
}

async function fenceOf(leases: MemoryLeases, holder: string): Promise<LedgerFence> {
  const grant = await leases.acquireLease(STRATEGY, holder, LEASE_MS);
  if (grant === null) throw new Error(`${holder} could not take the lease`);
  return { strategyId: STRATEGY, token: grant.token };
}

const grant = (userId: string) => ({
  strategyId: STRATEGY,
  occurrence: 'once',
  userId,
  amount: 5,
  catchUp: false,
  idempotencyKey: idempotencyKey(STRATEGY, 'once', userId),
});

/**
 * The stalled holder (token 1) marked u1 and stopped; the lease expired, the next holder
 * (token 2) adopted the row and recorded it applied.
 */
async function appliedByNextHolder() {
  const db = database();
  const stalled = await fenceOf(db.leases, 'a');
  const [row] = await db.ledger.claimEntries([grant('u1')], stalled);
  const asClaimed = { id: row!.id, totalBefore: null, expectedToken: stalled.token };
  expect(
    await db.ledger.markSending(stalled, 1, [{ ...asClaimed, expectedStatus: 'pending' }]),
  ).toBe(1);
  db.clock.advance(LEASE_MS);
  const next = await fenceOf(db.leases, 'b');
  const asLeft = { ...asClaimed, expectedStatus: 'sending' as const };
  expect(await db.ledger.markSending(next, 1, [asLeft])).toBe(1);
  expect(
    await db.ledger.recordOutcomes(next, [{ id: row!.id, status: 'applied', lastError: null }]),
  ).toBe(1);
  return { ...db, stalled, next, id: row!.id, asLeft };
}

describe('issue 22: a writer whose lease ended changes nothing', () => {
  it('(a) a stalled holder cannot re-mark a row the next holder applied', async () => {
    const { ledger, stalled, id, asLeft } = await appliedByNextHolder();
    expect(await ledger.markSending(stalled, 1, [asLeft])).toBe(0);
    expect(await ledger.markSending(stalled, 1, [{ ...asLeft, expectedStatus: 'applied' }])).toBe(
      0,
    );
    expect(ledger.rows.get(id)).toMatchObject({ status: 'applied', leaseToken: 2 });
  });

  it('(b) a late "not sent" from the stalled holder cannot turn an applied row into failed', async () => {
    const { ledger, stalled, id } = await appliedByNextHolder();
    const notSent = { id, status: 'failed' as const, lastError: 'not sent', attempts: 0 };
    expect(await ledger.recordOutcomes(stalled, [notSent])).toBe(0);
    expect(await ledger.releaseClaims(stalled, [id])).toBe(0);
    expect(await ledger.deferSettlement(stalled, [{ id, expectedToken: 1 }], 0)).toBe(0);
    expect(ledger.rows.get(id)).toMatchObject({ status: 'applied', leaseToken: 2, attempts: 1 });
  });

  it('(b) nor can the next holder write outcomes for a row it did not mark', async () => {
    const { ledger, next, id } = await appliedByNextHolder();
    const again = { id, status: 'failed' as const, lastError: 'late', attempts: 1 };
    expect(await ledger.recordOutcomes(next, [again])).toBe(0);
    expect(ledger.rows.get(id)?.status).toBe('applied');
  });

  it('(c) a renewal after expiry is refused, even when nobody took the lease meanwhile', async () => {
    const { clock, leases, ledger } = database();
    const first = await fenceOf(leases, 'a');
    expect(await leases.acquireLease(STRATEGY, 'b', LEASE_MS)).toBeNull();
    clock.advance(LEASE_MS);
    expect(await leases.renewLease(STRATEGY, first.token, LEASE_MS)).toBe(false);
    expect(await ledger.claimEntries([grant('u1')], first)).toEqual([]);
    // Re-taking it is an acquisition: a new token, so rows of the old one stay fenced.
    const again = await fenceOf(leases, 'a');
    expect(again.token).toBe(first.token + 1);
    expect(await leases.renewLease(STRATEGY, first.token, LEASE_MS)).toBe(false);
  });

  it('(c) RunLease reports a renewal after expiry as lost, and its deadline has passed', async () => {
    const { clock, leases } = database();
    let renew: (() => Promise<void>) | undefined;
    const lease = await RunLease.acquire(STRATEGY, {
      store: leases,
      logger: silent,
      holder: 'a',
      leaseMs: LEASE_MS,
      clocks: { read: () => ({ monotonicMs: clock.now() - 5, wallMs: clock.now() + 7 }) },
      renewals: (_every, run) => {
        renew = run;
        return () => (renew = undefined);
      },
    });
    expect(lease?.lost()).toBe(false);
    clock.advance(LEASE_MS);
    await renew?.();
    // The refused renewal itself stopped the renewals (markLost), before any deadline check.
    expect(renew).toBeUndefined();
    expect(lease?.lost()).toBe(true);
    expect(await leases.renewLease(STRATEGY, lease!.fence.token, LEASE_MS)).toBe(false);
  });
});
