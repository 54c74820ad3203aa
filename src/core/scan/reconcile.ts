// Reconciliation: settling a grant whose outcome was lost by reading the user's total again.
// With the total-and-used protocol only admin calls move a user's total, so the total read just
// before the delta (kept on the row as total_before) and the total now tell what happened:
// before + amount → the delta was applied; before → it was not, and sending it is safe;
// anything else → another writer moved the total, and a person must decide.
import type { ClaimedEntry, DeliveryOutcome } from '../model/ledger-entry.ts';
import type { GrantGateway } from '../ports/gateway.ts';
import { resendableWhenUncertain } from '../grant-mode.ts';
import type { DeliveryOptions } from './run-deps.ts';

export type Reconciled = 'applied' | 'not_applied' | 'unknown';

/** Amounts have two decimals: compared in hundredths, as integers, never as binary fractions. */
const hundredths = (value: number): number => Math.round(value * 100);

export function compareTotals(before: number, amount: number, now: number): Reconciled {
  const [b, a, n] = [hundredths(before), hundredths(amount), hundredths(now)];
  if (n === b + a) return 'applied';
  if (n === b) return 'not_applied';
  return 'unknown';
}

const UNKNOWN_MOVED =
  'outcome unknown: the gateway total moved by something other than this grant since it was read before sending; check the user at the gateway and resolve it as applied or retry';
const UNKNOWN_NO_BEFORE =
  'outcome unknown: the answer was lost and no total was read before sending (AIGATEWAY_RECONCILE=off); resolve it as applied or retry';
const NOT_APPLIED = 'not applied (the gateway total is unchanged since before sending); re-sent';

/**
 * The outcome the gateway's total tells for `entry`, or undefined when the total could not be
 * read now (the row keeps its state and the next run asks again).
 */
export async function reconcileEntry(
  entry: ClaimedEntry,
  gateway: GrantGateway,
): Promise<DeliveryOutcome | undefined> {
  if (entry.totalBefore === null || entry.totalBefore === undefined)
    return { id: entry.id, status: 'unknown', lastError: UNKNOWN_NO_BEFORE };
  let now: number;
  try {
    now = await gateway.getQuota(entry.userId);
  } catch {
    return undefined;
  }
  switch (compareTotals(entry.totalBefore, entry.amount, now)) {
    case 'applied':
      return { id: entry.id, status: 'applied', lastError: null };
    case 'not_applied':
      // `failed` is re-sent (same key) by the failed-rows pass of this or the next run.
      return { id: entry.id, status: 'failed', lastError: NOT_APPLIED };
    case 'unknown':
      return { id: entry.id, status: 'unknown', lastError: UNKNOWN_MOVED };
  }
}

/**
 * Whether a `sending` row an earlier run left is old enough to act on at `nowMs`. Re-sent with
 * its key to a gateway that honours keys, or made `unknown` without a call (reconciliation off),
 * it is safe at once; read by its total, or re-sent after a balance read (top_up, reset), only once no
 * delta of the dead run's delivery can still arrive (DeliveryOptions.uncertainSettleAfterMs).
 * Younger rows stay `sending`, their occurrence stays open, and a later run settles them.
 */
export function settleableAt(
  delivery: DeliveryOptions,
  nowMs: number,
): (entry: ClaimedEntry) => boolean {
  return (entry) => {
    if (delivery.honoursIdempotency) return true;
    if (!delivery.reconcile && !resendableWhenUncertain(entry.mode ?? 'add')) return true;
    if (entry.markedAt === undefined) return true;
    return nowMs - entry.markedAt.getTime() >= delivery.uncertainSettleAfterMs;
  };
}

const ORPHAN_MESSAGE =
  'outcome unknown: the process stopped while this grant was being sent and the gateway does not honour idempotency keys; resolve it as applied or retry';

/**
 * Outcomes for `sending` rows a dead run left, to a gateway that ignores keys: by the user's
 * total when reconciliation is on (a total that cannot be read now leaves its row `sending`
 * for the next run to ask again), else `unknown` for a person.
 */
export async function settleUnsent(
  entries: readonly ClaimedEntry[],
  reconcile: boolean,
  gateway: GrantGateway,
): Promise<DeliveryOutcome[]> {
  if (!reconcile) {
    return entries.map((e) => ({ id: e.id, status: 'unknown', lastError: ORPHAN_MESSAGE }));
  }
  const outcomes = await Promise.all(entries.map((e) => reconcileEntry(e, gateway)));
  return outcomes.filter((o) => o !== undefined);
}
