// What the scanner needs from the outside world, as small interfaces. The database adapter
// (src/db/scan-store.ts) and the gateway client implement them; tests use the real ones.
import type { ConditionUser, UserWhere } from '../../condition/index.ts';
import type { Grant, GrantOutcome, GrantStatus, NewGrant } from '../ledger.ts';
import type { Strategy } from '../strategy.ts';

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
  findGrants(strategyId: number, statuses: GrantStatus[], options: { maxAttempts?: number; limit: number; afterId?: number }): Promise<Grant[]>;
  /** Records outcomes; every recorded row's `attempts` goes up by one. */
  recordOutcomes(outcomes: GrantOutcome[]): Promise<void>;
  acquireLease(strategyId: number, holder: string, nowMs: number, ttlMs: number): Promise<boolean>;
  releaseLease(strategyId: number, holder: string): Promise<void>;
  isOccurrenceDone(strategyId: number, occurrence: string): Promise<boolean>;
  markOccurrenceDone(strategyId: number, occurrence: string): Promise<void>;
  countUnsettled(strategyId: number, occurrence: string): Promise<number>;
}

/** The slice of the gateway client the scanner uses. */
export interface GrantGateway {
  deltaQuota(userId: string, value: number, options: { idempotencyKey: string }): Promise<void>;
  getQuota(userId: string): Promise<number>;
}

/** Structured log sink; messages are constant strings, data goes in fields. */
export interface ScanLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}
