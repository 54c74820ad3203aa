// Sends that take quota back (lot expiries). The amount decided when the row was claimed is an
// upper bound, not what is sent: the user may spend between the decision and the send (an
// expiry that waited for another delta to its user, one that failed and is sent again, one a
// crash left `pending`), and a take-back must never be more than the user has when it is sent.
// So each is capped to the balance read just before its row is marked `sending`, and the mark
// writes what will be sent (`delta_sent`) and the balance it was capped by, in the same
// compare-and-set on (status, lease token): a doubt about the send is reconciled against what
// was really sent, and the row says it whatever happens to the process afterwards.
import type { ClaimedEntry } from '../model/ledger-entry.ts';

const cents = (value: number) => Math.round(value * 100);

/** A take-back with nothing to send (its lot had nothing left): a ledger row and no call. */
export const takesNothing = (entry: Pick<ClaimedEntry, 'amount'>): boolean =>
  cents(entry.amount) === 0;

/**
 * The (negative or zero) delta to send: the decided take-back, never more than the balance (a
 * balance at or below zero takes back nothing).
 */
export function cappedTakeBack(decided: number, balance: number): number {
  const wanted = Math.max(0, -cents(decided));
  const held = Math.max(0, cents(balance));
  const taken = Math.min(wanted, held);
  return taken === 0 ? 0 : -taken / 100;
}

/**
 * What a take-back sends now. A row re-sent from doubt (only to a gateway that honours keys)
 * sends exactly what its first attempt sent: the gateway answers a repeated key with the first
 * outcome, so a new amount would never be applied yet would be recorded.
 */
export function takeBackToSend(entry: ClaimedEntry, balance: number): number {
  if (entry.status === 'sending' && entry.deltaSent !== null && entry.deltaSent !== undefined)
    return entry.deltaSent;
  return cappedTakeBack(entry.amount, balance);
}
