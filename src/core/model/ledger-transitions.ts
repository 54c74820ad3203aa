// Every way a ledger row may change, as one table: (status, event, who) → new status. The SQL
// stores compare-and-set on exactly these statuses and on the row's lease token, the in-memory
// ledger of the model tests applies this table, and docs/reliability.md prints it (a unit test
// checks that the three agree). A change the table does not allow is refused and changes nothing.
import type { LedgerStatus } from './ledger-entry.ts';

export type LedgerEvent =
  /** The run inserts the row under the UNIQUE key: the claim on the grant. */
  | 'claim'
  /** Just before the gateway call (a first send, a retry, or a re-send after a doubt). */
  | 'mark'
  /** The gateway said applied, or the user's total proves it was. */
  | 'applied'
  /** The gateway certainly did not apply it (refused, or the total proves it was not). */
  | 'not_applied'
  /** The answer was lost (timeout, reset socket, abort): it may still apply; wait, then settle. */
  | 'uncertain'
  /** Nothing can tell any more what happened: a person decides. */
  | 'unknown'
  /** Never sent after all (stop, lost lease, changed strategy), never attempted: given back. */
  | 'release'
  /** Never sent this time, but attempted by an earlier run: back to `failed` for a retry. */
  | 'release_attempted'
  /** A later holder found an earlier holder's row in doubt: it stamps when it may settle it. */
  | 'defer'
  /** An operator's resolution of an `unknown` (or `failed`) grant. */
  | 'resolve_applied'
  | 'resolve_retry';

/**
 * `holder`: the process holding the strategy's current lease. `marker`: the holder that marked
 * this very row (the row carries its token). `operator`: a person through the API or CLI. A
 * process whose lease ended is none of these: every change it asks for is refused.
 */
export type LedgerActor = 'holder' | 'marker' | 'operator';

/** `absent`: no row (before a claim, after a release of a row never attempted). */
export type LedgerState = LedgerStatus | 'absent';

export interface LedgerTransition {
  from: LedgerState;
  event: LedgerEvent;
  who: LedgerActor;
  to: LedgerState;
}

const t = (
  from: LedgerState,
  event: LedgerEvent,
  who: LedgerActor,
  to: LedgerState,
): LedgerTransition => ({ from, event, who, to });

export const LEDGER_TRANSITIONS: readonly LedgerTransition[] = [
  t('absent', 'claim', 'holder', 'pending'),
  t('pending', 'mark', 'holder', 'sending'),
  t('failed', 'mark', 'holder', 'sending'),
  // Only once the row's settle time has passed (or the gateway honours keys).
  t('sending', 'mark', 'holder', 'sending'),
  t('sending', 'applied', 'marker', 'applied'),
  t('sending', 'not_applied', 'marker', 'failed'),
  t('sending', 'uncertain', 'marker', 'sending'),
  t('sending', 'unknown', 'marker', 'unknown'),
  // Never attempted: deleted, so a later run claims it afresh; attempted before: `failed`.
  t('pending', 'release', 'marker', 'absent'),
  t('sending', 'release', 'marker', 'absent'),
  t('pending', 'release_attempted', 'marker', 'failed'),
  t('sending', 'release_attempted', 'marker', 'failed'),
  t('sending', 'defer', 'holder', 'sending'),
  t('unknown', 'resolve_applied', 'operator', 'applied'),
  t('failed', 'resolve_applied', 'operator', 'applied'),
  t('unknown', 'resolve_retry', 'operator', 'failed'),
  t('failed', 'resolve_retry', 'operator', 'failed'),
];

/** The new state, or null when the table refuses the change (it must then change nothing). */
export function nextLedgerState(
  from: LedgerState,
  event: LedgerEvent,
  who: LedgerActor,
): LedgerState | null {
  return (
    LEDGER_TRANSITIONS.find((x) => x.from === from && x.event === event && x.who === who)?.to ??
    null
  );
}

/** The statuses a row may have for `event` to apply: the compare half of the compare-and-set. */
export function statusesFor(event: LedgerEvent): LedgerStatus[] {
  const from = LEDGER_TRANSITIONS.filter((x) => x.event === event && x.from !== 'absent').map(
    (x) => x.from as LedgerStatus,
  );
  return [...new Set(from)];
}

/** The ledger status an outcome event leaves (outcomes never delete a row). */
export function outcomeStatus(
  event: 'applied' | 'not_applied' | 'uncertain' | 'unknown',
): LedgerStatus {
  return nextLedgerState('sending', event, 'marker') as LedgerStatus;
}
