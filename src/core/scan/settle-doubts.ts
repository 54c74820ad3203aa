// Rows in doubt: `sending` rows whose delivery's outcome nobody recorded (the process died or
// stalled mid-call, or lost its lease before it could write) or recorded as uncertain (an
// answer lost within the call). Whatever settles them — a read of the user's total, or a
// re-send that re-reads the balance — may only run once no delta of that delivery can still
// arrive: its settle time, on the database's clock. A read sooner could say "not applied" about
// a delta that lands a moment later, and the re-send would grant twice.
//
// A row without a settle time gets one from the first holder that finds it: the holder's own
// acquisition time plus the settle wait. Its marker's lease had ended by then (that is how the
// holder got the lease), and a holder past its lease sends nothing (run-lease.ts), so every
// delta of that delivery left before the acquisition.
import { resendableWhenUncertain } from '../grant-mode.ts';
import type { ClaimedEntry, DeliveryOutcome } from '../model/ledger-entry.ts';
import type { ClaimStore } from '../ports/claim-store.ts';
import type { GrantGateway } from '../ports/gateway.ts';
import { reconcileEntry, sendsNothing } from './reconcile.ts';
import { otherGrantsSince, usersWithSeveralGrants } from './reconcile-basis.ts';
import type { DeliveryOptions } from './run-deps.ts';

export interface DoubtPlan {
  /** Settle now by sending again (with the key to a gateway that honours it, or re-reading the balance). */
  resend: ClaimedEntry[];
  /** Settle now by reading the user's total. */
  reconcile: ClaimedEntry[];
  /** Nothing can tell what happened (no reconciliation, keys ignored): a person decides. */
  unknown: ClaimedEntry[];
  /** In doubt with no settle time yet: stamp one. */
  unstamped: ClaimedEntry[];
  /** Stamped, and their settle time has not come. */
  waiting: ClaimedEntry[];
}

/** Sorts rows in doubt by what may be done with them when the database's clock reads `nowAtLeast`. */
export function planDoubts(
  entries: readonly ClaimedEntry[],
  delivery: Pick<DeliveryOptions, 'honoursIdempotency' | 'reconcile'>,
  nowAtLeast: number,
): DoubtPlan {
  const plan: DoubtPlan = { resend: [], reconcile: [], unknown: [], unstamped: [], waiting: [] };
  for (const entry of entries) {
    const mode = entry.mode ?? 'add';
    // The gateway de-duplicates by key: a re-send can never grant twice, late delta or not.
    if (delivery.honoursIdempotency) plan.resend.push(entry);
    // A take-back of nothing made no call: there is no doubt to wait out or leave to a person
    // (reconcileEntry records it applied without reading).
    else if (mode === 'add' && sendsNothing(entry)) plan.reconcile.push(entry);
    // Nothing will be read or sent: waiting would change nothing.
    else if (!resendableWhenUncertain(mode) && !delivery.reconcile) plan.unknown.push(entry);
    else if (entry.settleAfter === null || entry.settleAfter === undefined)
      plan.unstamped.push(entry);
    else if (entry.settleAfter > nowAtLeast) plan.waiting.push(entry);
    else if (resendableWhenUncertain(mode)) plan.resend.push(entry);
    else plan.reconcile.push(entry);
  }
  return plan;
}

const ORPHAN_MESSAGE =
  'outcome unknown: the process stopped while this grant was being sent and the gateway does not honour idempotency keys; resolve it as applied or retry';

/**
 * Outcomes for rows the run adopted (marked under its own token without sending): read from
 * the user's total, or `unknown` when there is nothing to read. A total that cannot be read
 * now leaves the row in doubt with the settle time it had, so the next run asks again at once.
 */
export async function settleAdopted(
  entries: readonly ClaimedEntry[],
  how: 'reconcile' | 'unknown',
  gateway: GrantGateway,
  store: Pick<ClaimStore, 'userLedgerStates'>,
): Promise<DeliveryOutcome[]> {
  if (how === 'unknown') {
    return entries.map((e) => ({
      id: e.id,
      status: 'unknown',
      lastError: ORPHAN_MESSAGE,
      attempts: 0,
    }));
  }
  // The user's other grants now, each row's own excluded; two rows of one user in this batch
  // are each other's "other grant in doubt".
  const states = await store.userLedgerStates(
    [...new Set(entries.map((e) => e.userId))],
    entries.map((e) => e.id),
  );
  const several = usersWithSeveralGrants(entries);
  return Promise.all(
    entries.map(async (entry): Promise<DeliveryOutcome> => {
      const others = several.has(entry.userId)
        ? null
        : otherGrantsSince(entry.reconcileBasis, states.get(entry.userId));
      const outcome = await reconcileEntry(entry, gateway, others);
      if (outcome !== undefined) return { ...outcome, attempts: 0 };
      return {
        id: entry.id,
        status: 'sending',
        lastError:
          'outcome not known yet: the user total could not be read to settle it; a later run reads it again',
        attempts: 0,
        settleAfter: entry.settleAfter ?? undefined,
      };
    }),
  );
}
