// What the scanner needs from the database, implemented by src/db/scan-store.ts. Its SQL is
// where a scan's time goes, so the port speaks in pages, claims and leases.
import type { ConditionUser, UserWhere } from '../../condition/index.ts';
import type { AuditDraft } from '../model/audit.ts';
import type { DomainEvent } from '../model/domain-event.ts';
import type { LedgerEntry } from '../model/ledger-entry.ts';
import type { Strategy } from '../model/strategy.ts';
import type { ClaimStore } from './claim-store.ts';
import type { LeaseStore } from './lease-store.ts';

/**
 * The keyset walk over users went backwards or stood still: continuing would read the same
 * users again, and for ever. Thrown instead, so the run fails (and is logged and counted as
 * failed) rather than loops.
 */
export class ScanOrderError extends Error {
  readonly code = 'scan_order';
  constructor(message: string) {
    super(message);
    this.name = 'ScanOrderError';
  }
}

/**
 * Users changed in a range of the user change sequence: change_seq in (after, upTo]. The
 * sequence follows commit order (db/change-sequence.ts), so "everything up to upTo" read at the
 * start of a scan stays true: no transaction commits a value at or below it later.
 */
export interface ChangeRange {
  after: number;
  upTo: number;
}

/** Where a single strategy's last completed scan got to (strategy_scan_position). */
export interface ScanPosition {
  /** The change sequence value read when that scan started. */
  changeSeq: number;
  /** The strategy version it scanned at: another version means a full scan. */
  strategyVersion: number;
  /** When its last full scan completed: SCAN_FULL_EVERY_MS counts from here. */
  fullScanAt: Date;
}

/** What a completed scan stores: `fullScanAt` only when it was a full scan (else kept). */
export type ScanPositionUpdate = Omit<ScanPosition, 'fullScanAt'> & { fullScanAt?: Date };

/** A candidate with its place in the change order (incremental queries only). */
export type Candidate = ConditionUser & { changeSeq?: number };

export interface CandidateQuery {
  strategyId: number;
  occurrence: string;
  /** Pushed-down condition (exact, or a superset when the condition needs the gateway). */
  where: UserWhere;
  /**
   * Keyset cursor: only users with a larger id; with `changes`, users after
   * (afterChangeSeq, afterUserId) in (change_seq, id) order.
   */
  afterUserId: string | null;
  /** Only users whose row changed in this range (an incremental scan); absent: every user. */
  changes?: ChangeRange;
  afterChangeSeq?: number;
  limit: number;
  /** Whether the condition must still be evaluated in memory (then all attributes are loaded). */
  withAttributes: boolean;
}

/**
 * The scanner's store, one port per phase of a run: the lease, the candidates, the ledger rows
 * (claims and their transitions) and the occurrence book. Fakes implement only what they test.
 */
export interface ScanStore extends LeaseStore, CandidateStore, ClaimStore, OccurrenceBook {}

/** Which strategies to run and which users they match. */
export interface CandidateStore {
  /** Enabled strategies, by id. */
  listEnabledStrategies(): Promise<Strategy[]>;
  /**
   * The strategy as it is now, or null when it was deleted or disabled: a run re-reads it
   * before it starts and compares versions before each page it claims.
   */
  currentStrategy(id: number): Promise<Strategy | null>;
  /**
   * Users matching `where` that have no ledger row for (strategy, occurrence), by id; with
   * `query.changes`, only users changed in that range, in (change_seq, id) order.
   */
  findCandidates(query: CandidateQuery): Promise<Candidate[]>;
  /** The last committed value of the user change sequence. */
  changeSequence(): Promise<number>;
  scanPosition(strategyId: number): Promise<ScanPosition | null>;
  saveScanPosition(strategyId: number, position: ScanPositionUpdate): Promise<void>;
}

/** Where each occurrence stands (open, done, held, approved) and its ledger totals. */
export interface OccurrenceBook {
  isOccurrenceDone(strategyId: number, occurrence: string): Promise<boolean>;
  /** Records that work on an occurrence began (it stays "open" until every grant settled). */
  markOccurrenceOpen(strategyId: number, occurrence: string): Promise<void>;
  markOccurrenceDone(strategyId: number, occurrence: string): Promise<void>;
  /** The most recent occurrence ever opened for the strategy, or null. */
  latestRecordedOccurrence(strategyId: number): Promise<string | null>;
  /**
   * Ledger rows of one occurrence, any status (grants made or claimed), and what they count
   * against an amount cap: an applied row what it raised the balance by (max(0, delta_sent)),
   * any other row its amount (what it may still send; a top_up's or reset's target).
   */
  occurrenceEntryTotals(
    strategyId: number,
    occurrence: string,
  ): Promise<{ users: number; amountCents: number }>;
  /** The bookkeeping row of an occurrence (null when no run opened it yet). */
  occurrenceState(strategyId: number, occurrence: string): Promise<OccurrenceState | null>;
  /**
   * Marks the occurrence held by a budget cap; true when it was not held before, and only then
   * is `event` written, in the same transaction (once per held occurrence, not per run).
   */
  markOccurrenceHeld(strategyId: number, occurrence: string, event?: DomainEvent): Promise<boolean>;
  /** A held occurrence whose caps now allow it goes back to open. */
  releaseHold(strategyId: number, occurrence: string): Promise<void>;
  /**
   * Records an operator's approval past the budget caps — a compare-and-set held → open — and
   * its audit row (with the events it stands for) in the same transaction: both or neither.
   * False when the occurrence was no longer held (dismissed, superseded, approved meanwhile):
   * nothing is written.
   */
  approveOccurrence(
    strategyId: number,
    occurrence: string,
    approval: Approval,
    audit: AuditDraft,
  ): Promise<boolean>;
  /** One user's ledger row for an occurrence (explain), or null. */
  findEntry(strategyId: number, occurrence: string, userId: string): Promise<LedgerEntry | null>;
  /** The strategy's held occurrences, newest first. */
  heldOccurrences(strategyId: number, limit: number): Promise<string[]>;
  /** The strategy's holds that ended without a grant (superseded, dismissed, released), newest first. */
  closedHolds(strategyId: number, limit: number): Promise<ClosedHold[]>;
  /**
   * Ends holds without granting (core/scan/hold-changes.ts says when): the held occurrences of
   * the strategy, or only `occurrence`, or only those before `before`, get `status`; answers the
   * occurrences it changed.
   */
  closeHolds(
    strategyId: number,
    status: ClosedHoldStatus,
    which?: { occurrence?: string; before?: string },
  ): Promise<string[]>;
  /**
   * An operator's dismissal: a compare-and-set held → dismissed and its audit row, in one
   * transaction; false when the occurrence was not held (nothing written).
   */
  dismissOccurrence(strategyId: number, occurrence: string, audit: AuditDraft): Promise<boolean>;
}

/**
 * How a hold ends without a grant: `superseded` (a newer occurrence of a strategy that skips
 * missed runs came due), `dismissed` (an operator said no), `released` (the strategy was
 * disabled). Like `done`, each closes the occurrence for good.
 */
export const CLOSED_HOLD_STATUSES = ['superseded', 'dismissed', 'released'] as const;
export type ClosedHoldStatus = (typeof CLOSED_HOLD_STATUSES)[number];

export interface ClosedHold {
  occurrence: string;
  status: ClosedHoldStatus;
  /** When the hold was closed (the bookkeeping row's last change). */
  closedAt: Date;
}

export interface OccurrenceState {
  /** open | done | held | superseded | dismissed | released */
  status: string;
  approvedBy: string | null;
  approvedAt: Date | null;
  /** What the last approval was given for; null if none (or one made before bounds existed). */
  approval: ApprovalBounds | null;
}

/**
 * What an approval lets past the caps: the occurrence at one strategy version, needing at most
 * these users and this amount in total (already granted included, amounts counted as raises).
 */
export interface ApprovalBounds {
  strategyVersion: number;
  users: number;
  amount: number;
}

export interface Approval extends ApprovalBounds {
  by: string;
  at: Date;
}
