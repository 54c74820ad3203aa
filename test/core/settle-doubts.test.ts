// Rows in doubt that sent nothing (a lot expiry whose take-back was capped or decided to 0)
// made no gateway call: they are settled as applied at once, never left `unknown` for a person,
// whatever the reconciliation setting (core/scan/settle-doubts.ts, core/scan/reconcile.ts).
import { describe, expect, it } from 'vitest';
import type { ClaimedEntry } from '../../src/core/model/ledger-entry.ts';
import type { GrantGateway } from '../../src/core/ports/gateway.ts';
import { planDoubts } from '../../src/core/scan/settle-doubts.ts';
import { reconcileEntry } from '../../src/core/scan/reconcile.ts';

const row = (id: number, amount: number, deltaSent: number | null): ClaimedEntry => ({
  id,
  strategyId: 0,
  occurrence: `5:once`,
  userId: 'u',
  amount,
  attempts: 0,
  idempotencyKey: `qm:0:5:once:u`,
  mode: 'add',
  status: 'sending',
  totalBefore: null,
  deltaSent,
  settleAfter: null,
});

/** A gateway that must not be asked: a send of nothing needs no read. */
const unreadable = {
  getQuota: () => Promise.reject(new Error('not to be read')),
} as unknown as GrantGateway;

describe('doubts about a send of nothing', () => {
  it.each([
    ['decided 0', row(1, 0, null)],
    ['capped to 0 at its mark', row(2, -70, 0)],
  ])(
    '%s: reconciled at once, even with reconciliation off, and applied without a read',
    async (_, entry) => {
      for (const reconcile of [false, true]) {
        const plan = planDoubts([entry], { honoursIdempotency: false, reconcile }, 0);
        expect(plan.reconcile).toEqual([entry]);
        expect(plan.unknown).toEqual([]);
      }
      expect(await reconcileEntry(entry, unreadable, null)).toEqual({
        id: entry.id,
        status: 'applied',
        lastError: null,
      });
    },
  );

  it('a take-back that sent something stays a doubt: unknown without reconciliation', () => {
    const entry = row(3, -70, -40);
    expect(planDoubts([entry], { honoursIdempotency: false, reconcile: false }, 0).unknown).toEqual(
      [entry],
    );
    expect(
      planDoubts([entry], { honoursIdempotency: false, reconcile: true }, 0).unstamped,
    ).toEqual([entry]);
  });
});
