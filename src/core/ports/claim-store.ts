// The scanner's ledger rows after the users are found: claiming them, marking them just before
// their calls, recording outcomes, and finding the rows earlier runs left. Every write is fenced
// by the writer's lease token and is a compare-and-set on the statuses of
// core/model/ledger-transitions.ts; each answers how many rows it changed.
import type { DomainEvent } from '../model/domain-event.ts';
import type {
  ClaimedEntry,
  DeliveryOutcome,
  LedgerFence,
  LedgerStatus,
  NewLedgerEntry,
} from '../model/ledger-entry.ts';
import type { UserLedgerState } from '../scan/reconcile-basis.ts';

/** A row about to be marked `sending`, with what the run read it as (the compare half). */
export interface MarkRequest {
  id: number;
  /** The user's total read just before sending (reconciliation on), else null. */
  totalBefore: number | null;
  /** The user's other grants around that read (reconcile-basis.ts); absent or null: none. */
  reconcileBasis?: string | null;
  /**
   * Take-backs (lot expiries): the balance read just before the mark and the delta the send will
   * carry (core/scan/take-back.ts), written with the mark. Absent: the row's stored ones are kept.
   */
  balanceBefore?: number | null;
  deltaSent?: number | null;
  expectedStatus: LedgerStatus;
  expectedToken: number | null;
}

export interface ClaimStore {
  /**
   * Inserts pending rows under the fence's token, only while it holds the lease; returns only
   * the rows this call inserted (the claims it won).
   */
  claimEntries(rows: NewLedgerEntry[], fence: LedgerFence): Promise<ClaimedEntry[]>;
  /**
   * Marks rows `sending`, just before their gateway calls, only while the strategy is enabled at
   * `version`, the fence holds the lease and each row is still as the run read it. Returns how
   * many rows were marked: fewer means the run must stop (changed strategy, lost lease, or a row
   * somebody else moved). A null version binds the rows to no strategy definition: lot expiries,
   * which happen whether the lot's strategy is enabled, changed or deleted.
   */
  markSending(fence: LedgerFence, version: number | null, rows: MarkRequest[]): Promise<number>;
  /**
   * Records outcomes of the fence's own sends (rows `sending` under its token); every recorded
   * row's `attempts` goes up by the outcome's attempts. Returns how many rows were recorded:
   * fewer means the lease was lost and the rest are left for the next holder to settle.
   * `events` (grant.applied, grant.unknown) are written in the same transaction, and only
   * when every outcome was recorded.
   */
  recordOutcomes(
    fence: LedgerFence,
    outcomes: DeliveryOutcome[],
    events?: DomainEvent[],
  ): Promise<number>;
  /**
   * Gives back rows this run took but never sent (pending, or marked and not started): never
   * attempted ones are deleted (a later run claims them afresh), attempted ones go back to
   * `failed`. Only rows under the fence's token, only while it holds the lease.
   */
  releaseClaims(fence: LedgerFence, ids: number[]): Promise<number>;
  /**
   * Stamps a settle time on `sending` rows an earlier holder left without one (it died or
   * stalled mid-call): only rows still carrying the token they were read with.
   */
  deferSettlement(
    fence: LedgerFence,
    rows: { id: number; expectedToken: number | null }[],
    settleAfter: number,
  ): Promise<number>;
  findEntries(
    strategyId: number,
    statuses: LedgerStatus[],
    options: { maxAttempts?: number; limit: number; afterId?: number },
  ): Promise<ClaimedEntry[]>;
  /**
   * Each user's other ledger rows (any strategy) as far as they can have moved the user's total
   * (reconcile-basis.ts); rows in `excludingIds` left out. Users without rows are absent.
   */
  userLedgerStates(
    userIds: string[],
    excludingIds: number[],
  ): Promise<Map<string, UserLedgerState>>;
  /**
   * Which of `userIds` have a ledger row of any strategy (lot expiries included) `sending` — in
   * flight, or in doubt until its settle time — other than `excludingIds`: a delta may still
   * land on their balance that a balance read now would miss (balance-gate.ts).
   */
  usersWithDeltasInFlight(userIds: string[], excludingIds: number[]): Promise<Set<string>>;
  /** Ledger rows per user for a strategy that count towards max_exec_per_user. */
  countCountedEntries(strategyId: number, userIds: string[]): Promise<Map<string, number>>;
  countUnsettled(strategyId: number, occurrence: string): Promise<number>;
  /**
   * Whether a run of the strategy would find earlier rows to settle: `sending` or `pending`
   * rows, or `failed` rows with fewer than `maxAttempts` attempts. One indexed probe, so a tick
   * can tell a strategy with nothing to do without paging through the ledger.
   */
  hasRowsToSettle(strategyId: number, maxAttempts: number): Promise<boolean>;
}
