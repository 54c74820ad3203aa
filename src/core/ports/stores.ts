// What the use cases need from the database, one store per concern; src/db implements each
// (its create…Store functions return these types). A new use case that needs a new query adds
// a method here first, then to the db store.
import type { AuditDraft, AuditEvent, AuditTargetType } from '../model/audit.ts';
import type { LedgerEntry, LedgerKey, LedgerStatus, Resolution } from '../model/ledger-entry.ts';
import type { OccurrenceTotals, WindowedTotals } from '../model/ledger-totals.ts';
import type { Strategy, StrategyFields, StrategyType } from '../model/strategy.ts';
import type { StrategyRevision } from '../model/strategy-tag.ts';
import type { User, UserUpsert } from '../model/user.ts';

export interface Page<T> {
  items: T[];
  total: number;
}

/** A keyset page: its rows, how many match in all, and the key to continue after (null: the last). */
export interface CountedPage<T, K = number> extends Page<T> {
  next: K | null;
}

export interface StrategyListFilter {
  type?: StrategyType;
  enabled?: boolean;
  limit: number;
  /** Keyset: only strategies with a larger id. Wins over `offset`. */
  afterId?: number;
  /** Deprecated offset paging (one more release for scripts that use it). */
  offset?: number;
}

export interface StrategyStore {
  /**
   * `now` comes from the injected clock: periodic schedules start from created_at. 409 on a
   * duplicate name. Every change takes an optional audit row, written in the same transaction
   * (the create fills in the new strategy's id as its target).
   */
  create(fields: StrategyFields, now: Date, audit?: AuditDraft): Promise<Strategy>;
  /** 404 when missing. */
  get(id: number): Promise<Strategy>;
  list(filter: StrategyListFilter): Promise<Page<Strategy>>;
  /**
   * A change. `newVersion` (model/strategy-version.ts): every field is written and `version`
   * goes up by one. Otherwise only the unversioned fields (name, title, enabled) are written
   * and the version stays.
   * With `condition` (an If-Match), the row is changed only if it is still at `expected`, in the
   * same statement as the write: otherwise 412 (404 when it is gone), nothing written, no audit
   * row. updated_at then becomes `now`, or `expected` + 1 ms when that is not later, so the
   * strategy's tag (model/strategy-tag.ts) always moves.
   */
  update(
    id: number,
    fields: StrategyFields,
    newVersion: boolean,
    audit?: AuditDraft,
    condition?: { expected: StrategyRevision; now: Date },
  ): Promise<Strategy>;
  /** Keeps the version (model/strategy-version.ts says why that is safe). */
  setEnabled(id: number, enabled: boolean, audit?: AuditDraft): Promise<Strategy>;
  /** Deletes the strategy and its bookkeeping; its ledger rows stay for audit. */
  delete(id: number, audit?: AuditDraft): Promise<void>;
}

export interface LedgerFilter {
  strategyId?: number;
  userId?: string;
  status?: LedgerStatus;
  limit: number;
  /** Keyset: only rows after this id in the page's order (a larger id, or a smaller one when
   * newest first). Wins over `offset`. */
  afterId?: number;
  /** Deprecated offset paging (one more release for scripts that use it). */
  offset?: number;
  /** Newest rows first (by id, i.e. by creation); default oldest first. */
  newestFirst?: boolean;
}

/** The whole ledger, newest first (by id), after a keyset cursor. */
export interface GrantFilter {
  strategyId?: number;
  userId?: string;
  status?: LedgerStatus;
  occurrence?: string;
  /** created_at ≥ from, < to. */
  from?: Date;
  to?: Date;
  /** Only rows with a smaller id (the previous page's last). */
  beforeId?: number;
  limit: number;
}

export interface LedgerStore {
  list(filter: LedgerFilter): Promise<Page<LedgerEntry>>;
  /** Ledger rows of every strategy, deleted ones included, newest first. */
  grants(filter: GrantFilter): Promise<LedgerEntry[]>;
  /**
   * `applied`: the operator checked the gateway and the grant arrived. `retry`: it did not; the
   * row becomes `failed` with its attempts reset. Only `unknown` and `failed` rows (404/409).
   */
  resolve(strategyId: number, id: number, resolution: Resolution, now: Date): Promise<LedgerEntry>;
  /** Retention candidates: applied rows last changed before `before`, by id, after `afterId`. */
  findAppliedBefore(before: Date, afterId: number, limit: number): Promise<LedgerKey[]>;
  countAppliedBefore(before: Date): Promise<number>;
  /**
   * Which of these occurrences of a periodic strategy are closed for good: done, or a hold that
   * ended without a grant (superseded, dismissed, released); no scan revisits them.
   */
  closedOccurrences(strategyId: number, occurrences: string[]): Promise<Set<string>>;
  /** Deletes rows still applied and older than `before`; returns how many were deleted. */
  deleteAppliedBefore(ids: number[], before: Date): Promise<number>;
}

export interface UserSearch {
  /** A prefix of the id, name or GitHub username; A-Z and a-z match each other, nothing else
   * is folded (db/user-search.ts says why). */
  q?: string;
  org?: string;
  vipGte?: number;
  /** Keyset cursor: only users with a larger id. */
  afterId?: string;
  limit: number;
}

export interface UserStore {
  upsert(user: UserUpsert, audit?: AuditDraft): Promise<User>;
  /** All or nothing; the same result as upserting one after another, in order. */
  upsertMany(users: UserUpsert[], audit?: AuditDraft): Promise<number>;
  get(id: string): Promise<User | null>;
  /** Deletes the user and their stars (the ledger keeps its rows); false when unknown. */
  delete(id: string, audit?: AuditDraft): Promise<boolean>;
  /** Users by id order (the database's), after the cursor. */
  search(filter: UserSearch): Promise<User[]>;
  /** Ids only, by id order (the database's), after `afterId`: the user sync's full runs. */
  listIds(afterId: string | undefined, limit: number): Promise<string[]>;
  count(): Promise<number>;
}

export interface AuditFilter {
  targetType?: AuditTargetType;
  targetId?: string;
  actor?: string;
  from?: Date;
  to?: Date;
  /** Only events with a smaller id (the previous page's last). */
  beforeId?: number;
  limit: number;
}

export interface AuditStore {
  /** For changes whose store cannot share a transaction with it (runs, scans, resolutions). */
  record(draft: AuditDraft): Promise<void>;
  /** Newest first. */
  list(filter: AuditFilter): Promise<AuditEvent[]>;
}

export interface StatsStore {
  /** Totals per status for all time and for each window start, optionally for one strategy. */
  grantTotals(query: { strategyId?: number; windowStarts: Date[] }): Promise<WindowedTotals>;
  /**
   * What applied lot expiries took back (hundredths), all time and since each window start, of
   * one strategy's lots or of all. Expiry rows are not grants: grantTotals leaves them out.
   */
  expiredTotals(query: {
    strategyId?: number;
    windowStarts: Date[];
  }): Promise<{ allTime: bigint; windows: bigint[] }>;
  /** Totals per status for the strategy's latest `limit` occurrences, newest first. */
  recentOccurrences(strategyId: number, limit: number): Promise<OccurrenceTotals[]>;
  ledgerBacklog(): Promise<{ pending: number; sending: number; failed: number; unknown: number }>;
  /** Occurrences held by a budget cap, across strategies (the occurrences_held gauge). */
  countHeldOccurrences(): Promise<number>;
  enabledStrategies(): Promise<{ id: number; createdAt: Date }[]>;
}
