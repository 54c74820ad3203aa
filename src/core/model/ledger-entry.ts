// The grant ledger's row, one name everywhere: a LedgerEntry (table quota_execute). A grant is
// identified by (strategy, occurrence, user); its idempotency key is derived from exactly that
// triple, so every retry — in this process, after a crash, or from another replica — sends the
// same key. New columns of the ledger go on LedgerEntry first, then on the stores that read it.
import type { GrantMode } from '../grant-mode.ts';

// pending: claimed, never sent. sending: about to be sent or in flight (marked in batches just
// before the calls), so after a crash only these rows can have an uncertain outcome.
export const LEDGER_STATUSES = ['pending', 'sending', 'applied', 'failed', 'unknown'] as const;
export type LedgerStatus = (typeof LEDGER_STATUSES)[number];

export function idempotencyKey(strategyId: number, occurrence: string, userId: string): string {
  return `qm:${strategyId}:${occurrence}:${userId}`;
}

/** A ledger row as the API and the CLI read it. */
export interface LedgerEntry {
  id: number;
  strategyId: number;
  userId: string;
  occurrence: string;
  amount: number;
  status: LedgerStatus;
  attempts: number;
  lastError: string | null;
  /** Granted late, by catch-up after missed runs. */
  catchUp: boolean;
  /** The strategy's grant mode when the grant was claimed. */
  mode: GrantMode;
  /** The balance read before sending (top_up, reset); null when the mode reads none or before it was read. */
  balanceBefore: number | null;
  /**
   * How much the grant changed the balance: the delta sent (0 when a top-up found nothing to
   * add), or for a reset the new balance minus the one read. Null until sent, and on rows
   * written before modes existed (their `amount` was the delta).
   */
  deltaSent: number | null;
  /** The target balance of a top_up or reset grant (its `amount`); null for add. */
  target: number | null;
  /** The strategy's version when the row was claimed (null for rows older than versions). */
  strategyVersion: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The part of a ledger row the scanner needs to (re-)send it to the gateway. */
export type ClaimedEntry = Pick<
  LedgerEntry,
  'id' | 'strategyId' | 'occurrence' | 'userId' | 'amount' | 'attempts'
> & {
  idempotencyKey: string;
  /** The user's gateway total read just before sending (reconciliation on), else null/absent. */
  totalBefore?: number | null;
  /** The user's other grants around that read (core/scan/reconcile-basis.ts), else null/absent. */
  reconcileBasis?: string | null;
  mode?: GrantMode;
  /** The status the run read the row in (absent: `pending`, as a claim inserts it). */
  status?: LedgerStatus;
  /** The lease token the row was claimed or last marked under (null on rows older than tokens). */
  leaseToken?: number | null;
  /**
   * On a `sending` row in doubt: the database time (epoch ms) after which no delta of its
   * delivery can still arrive; null while nobody has stamped one yet.
   */
  settleAfter?: number | null;
  /**
   * What a take-back (a lot expiry) sends, decided just before it is marked: its amount capped
   * to the balance then (core/scan/take-back.ts). On a row read back, the delta recorded with its
   * last mark or outcome; absent on rows not sent yet.
   */
  deltaSent?: number | null;
  /** The balance a take-back was capped by, read just before its mark. */
  balanceBefore?: number | null;
};

/**
 * Who may change a strategy's ledger rows: the holder of its lease, by token. Every ledger
 * write carries one and is refused once the token no longer holds the lease.
 */
export interface LedgerFence {
  strategyId: number;
  token: number;
}

/** A row the scanner is about to insert (claim); the insert that wins owns the gateway call. */
export type NewLedgerEntry = Pick<
  LedgerEntry,
  'strategyId' | 'occurrence' | 'userId' | 'amount' | 'catchUp'
> & {
  idempotencyKey: string;
  /** Absent: add (the behaviour before modes existed). */
  mode?: GrantMode;
  strategyVersion?: number;
};

/** What one delivery attempt decided for a row. */
export interface DeliveryOutcome {
  id: number;
  /**
   * `sending`: the outcome is in doubt (a timeout, a reset socket, a call cut off at shutdown):
   * the row waits until `settleAfter`, then a run settles it.
   */
  status: Exclude<LedgerStatus, 'pending'>;
  /** With `sending`: the database time (epoch ms) after which the row may be settled. */
  settleAfter?: number;
  lastError: string | null;
  /** Gateway requests this delivery made (the client's retries included); 1 when not known. */
  attempts?: number;
  /** Recorded when the delivery read a balance (top_up, reset). */
  balanceBefore?: number | null;
  /** Recorded once something was sent, or a top-up decided to send nothing (0). */
  deltaSent?: number | null;
  /** On `applied`: what was given, for the granted-amount metric. */
  granted?: { strategyId: number; amount: number };
}

/** The identity of a ledger row: enough to decide whether retention may delete it. */
export type LedgerKey = Pick<LedgerEntry, 'id' | 'strategyId' | 'occurrence'>;

/** What an operator decided about a grant whose outcome the daemon could not know. */
export type Resolution = 'applied' | 'retry';
