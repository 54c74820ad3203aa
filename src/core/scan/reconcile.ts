// Reconciliation: settling a grant whose outcome was lost by reading the user's total again.
// With the total-and-used protocol only admin calls move a user's total, so the total read just
// before the delta (kept on the row as total_before) and the total now tell what happened:
// before + amount → the delta was applied; before → it was not, and sending it is safe;
// anything else → another writer moved the total, and a person must decide. What the daemon's
// own other grants to the user added meanwhile is subtracted first (reconcile-basis.ts).
import type { ClaimedEntry, DeliveryOutcome } from '../model/ledger-entry.ts';
import type { GrantGateway } from '../ports/gateway.ts';

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
const UNKNOWN_OTHERS =
  "outcome unknown: other grants to this user were in flight or in doubt while this one was, so the user's total cannot tell; check the user at the gateway and resolve it as applied or retry";

/**
 * What the send carried was nothing (a take-back with nothing left to take: its delta_sent, or
 * its amount before one is decided). Such a send makes no call, so nothing of it can land: a
 * process that died around it left no doubt, only an unrecorded outcome.
 */
export const sendsNothing = (entry: Pick<ClaimedEntry, 'amount' | 'deltaSent'>): boolean =>
  hundredths(entry.deltaSent ?? entry.amount) === 0;

/**
 * The outcome the gateway's total tells for `entry`, or undefined when the total could not be
 * read now (the row stays in doubt and a later run asks again). Only ever called once the row's
 * settle time has passed: a read sooner could miss a delta still on its way.
 */
export async function reconcileEntry(
  entry: ClaimedEntry,
  gateway: GrantGateway,
  /** What the daemon's other grants added to the user's total since the basis; null: unknowable. */
  otherGrantsCents: number | null,
): Promise<DeliveryOutcome | undefined> {
  const sent = entry.deltaSent ?? entry.amount;
  if (sendsNothing(entry)) return { id: entry.id, status: 'applied', lastError: null };
  if (entry.totalBefore === null || entry.totalBefore === undefined)
    return { id: entry.id, status: 'unknown', lastError: UNKNOWN_NO_BEFORE };
  if (otherGrantsCents === null)
    return { id: entry.id, status: 'unknown', lastError: UNKNOWN_OTHERS };
  let now: number;
  try {
    now = await gateway.getQuota(entry.userId);
  } catch {
    return undefined;
  }
  // What the send carried: a take-back's capped delta (take-back.ts), else the amount.
  switch (compareTotals(entry.totalBefore + otherGrantsCents / 100, sent, now)) {
    case 'applied':
      return { id: entry.id, status: 'applied', lastError: null };
    case 'not_applied':
      // `failed` is re-sent (same key) by the failed-rows pass of this or the next run.
      return { id: entry.id, status: 'failed', lastError: NOT_APPLIED };
    case 'unknown':
      return { id: entry.id, status: 'unknown', lastError: UNKNOWN_MOVED };
  }
}
