// What the scanner needs from the outside world, as small interfaces. The database adapter
// (src/db/scan-store.ts) and the gateway client implement them; tests use the real ones.
import type { ConditionUser, UserWhere } from '../../condition/index.ts';
import type { Grant, GrantOutcome, GrantStatus, NewGrant } from '../ledger.ts';
import type { Strategy } from '../strategy.ts';
import type { ScanSummary } from './run-scan.ts';
import type { StrategyRunResult } from './run-strategy.ts';

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

export interface CandidateQuery {
  strategyId: number;
  occurrence: string;
  /** Pushed-down condition (exact, or a superset when the condition needs the gateway). */
  where: UserWhere;
  /** Keyset cursor: only users with a larger id. */
  afterUserId: string | null;
  limit: number;
  /** Whether the condition must still be evaluated in memory (then all attributes are loaded). */
  withAttributes: boolean;
}

export interface ScanStore {
  /** Enabled strategies, by id. */
  listEnabledStrategies(): Promise<Strategy[]>;
  /** Users matching `where` that have no ledger row for (strategy, occurrence), by id. */
  findCandidates(query: CandidateQuery): Promise<ConditionUser[]>;
  /** Ledger rows per user for a strategy that count towards max_exec_per_user. */
  countCountedGrants(strategyId: number, userIds: string[]): Promise<Map<string, number>>;
  /** Inserts pending rows; returns only the rows this call inserted (the claims it won). */
  claimGrants(rows: NewGrant[]): Promise<Grant[]>;
  /**
   * Deletes claimed rows that were never sent (pending, no attempt yet), only while `holder`
   * still holds the strategy's lease at `nowMs`; returns how many were deleted.
   */
  releaseClaims(strategyId: number, holder: string, ids: number[], nowMs: number): Promise<number>;
  findGrants(
    strategyId: number,
    statuses: GrantStatus[],
    options: { maxAttempts?: number; limit: number; afterId?: number },
  ): Promise<Grant[]>;
  /** Records outcomes; every recorded row's `attempts` goes up by one. */
  recordOutcomes(outcomes: GrantOutcome[]): Promise<void>;
  acquireLease(strategyId: number, holder: string, nowMs: number, ttlMs: number): Promise<boolean>;
  releaseLease(strategyId: number, holder: string): Promise<void>;
  isOccurrenceDone(strategyId: number, occurrence: string): Promise<boolean>;
  /** Records that work on an occurrence began (it stays "open" until every grant settled). */
  markOccurrenceOpen(strategyId: number, occurrence: string): Promise<void>;
  markOccurrenceDone(strategyId: number, occurrence: string): Promise<void>;
  /** The most recent occurrence ever opened for the strategy, or null. */
  latestRecordedOccurrence(strategyId: number): Promise<string | null>;
  countUnsettled(strategyId: number, occurrence: string): Promise<number>;
}

/** The slice of the gateway client the scanner uses. */
export interface GrantGateway {
  deltaQuota(userId: string, value: number, options: { idempotencyKey: string }): Promise<void>;
  getQuota(userId: string): Promise<number>;
}

/** Work that goes before a scan's heavy steps (API requests); see scheduler/interactive-gate.ts. */
export interface InteractiveWork {
  /** True while such work is under way. */
  busy(): boolean;
  /** Resolves when none is under way any more, or after a bounded wait. */
  idle(): Promise<void>;
}

/** Structured log sink; messages are constant strings, data goes in fields. */
export interface ScanLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Optional listener for what scans do (the metrics module implements it). Called
 * synchronously after the fact; it must be cheap and must not throw.
 */
export interface ScanObserver {
  /** A whole scan (every enabled strategy) finished. */
  scanFinished(summary: ScanSummary): void;
  /** A scan could not run at all (e.g. the strategies could not be listed). */
  scanFailed(durationMs: number): void;
  /** One strategy's run finished normally under its lease; `at` is the injected clock's now. */
  strategyRunFinished(result: StrategyRunResult, at: Date): void;
  /** Delivery outcomes were written to the ledger. */
  grantsRecorded(outcomes: readonly GrantOutcome[]): void;
}
