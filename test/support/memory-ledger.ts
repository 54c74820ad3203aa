// The scanner's ledger (quota_execute) in memory, with the compare-and-set semantics of
// src/db/fenced-ledger-sql.ts, src/db/ledger-sql.ts (claim), src/db/ledger-writes.ts (release)
// and src/db/ledger-store.ts (resolve). Which status may move where comes from
// core/model/ledger-transitions.ts itself, so the fake and the SQL read one table; what the
// fake adds by hand is only what the SQL compares besides the status: the row's token, the
// writer's lease and the strategy's version.
import type {
  ClaimedEntry,
  DeliveryOutcome,
  LedgerFence,
  LedgerStatus,
  NewLedgerEntry,
  Resolution,
} from '../../src/core/model/ledger-entry.ts';
import {
  nextLedgerState,
  statusesFor,
  type LedgerEvent,
} from '../../src/core/model/ledger-transitions.ts';
import type { ClaimStore, MarkRequest } from '../../src/core/ports/claim-store.ts';
import { NO_OTHER_GRANTS, type UserLedgerState } from '../../src/core/scan/reconcile-basis.ts';
import type { MemoryLeases } from './memory-lease.ts';

/** A quota_execute row: the columns the scanner's statements read or write. */
export interface MemoryRow {
  id: number;
  strategyId: number;
  occurrence: string;
  userId: string;
  amount: number;
  idempotencyKey: string;
  mode: NonNullable<NewLedgerEntry['mode']>;
  status: LedgerStatus;
  attempts: number;
  lastError: string | null;
  totalBefore: number | null;
  reconcileBasis: string | null;
  balanceBefore: number | null;
  deltaSent: number | null;
  leaseToken: number | null;
  settleAfter: number | null;
}

/** The quota_strategy columns the ledger statements compare. */
export interface MemoryStrategy {
  version: number;
  enabled: boolean;
}

/** The transition an outcome asks for (outcomesSql writes any of them from `sending`). */
const OUTCOME_EVENT: Record<DeliveryOutcome['status'], LedgerEvent> = {
  applied: 'applied',
  failed: 'not_applied',
  sending: 'uncertain',
  unknown: 'unknown',
};

const COUNTED: readonly LedgerStatus[] = ['applied', 'pending', 'sending', 'unknown'];

export class MemoryLedger implements ClaimStore {
  readonly rows = new Map<number, MemoryRow>();
  readonly strategies = new Map<number, MemoryStrategy>();
  private lastId = 0;

  constructor(private readonly leases: MemoryLeases) {}

  /** leaseHeldSql: the token holds the lease, or the strategy was deleted (with its lease). */
  private held(fence: LedgerFence): boolean {
    return (
      !this.strategies.has(fence.strategyId) || this.leases.held(fence.strategyId, fence.token)
    );
  }

  async claimEntries(rows: NewLedgerEntry[], fence: LedgerFence): Promise<ClaimedEntry[]> {
    if (!this.held(fence)) return [];
    const claimed: ClaimedEntry[] = [];
    for (const row of rows) {
      if (this.findByKey(row.strategyId, row.occurrence, row.userId) !== undefined) continue;
      const id = ++this.lastId;
      this.rows.set(id, {
        ...row,
        id,
        mode: row.mode ?? 'add',
        status: nextLedgerState('absent', 'claim', 'holder') as LedgerStatus,
        attempts: 0,
        lastError: null,
        totalBefore: null,
        reconcileBasis: null,
        balanceBefore: null,
        deltaSent: null,
        leaseToken: fence.token,
        settleAfter: null,
      });
      claimed.push({ ...row, id, attempts: 0, status: 'pending', leaseToken: fence.token });
    }
    return claimed;
  }

  async markSending(
    fence: LedgerFence,
    version: number | null,
    rows: MarkRequest[],
  ): Promise<number> {
    const strategy = this.strategies.get(fence.strategyId);
    const current = version === null || (strategy?.version === version && strategy.enabled);
    if (!current || !this.held(fence)) return 0;
    let marked = 0;
    for (const request of rows) {
      const row = this.rows.get(request.id);
      if (row?.strategyId !== fence.strategyId) continue;
      if (!statusesFor('mark').includes(row.status) || row.status !== request.expectedStatus)
        continue;
      if ((row.leaseToken ?? 0) !== (request.expectedToken ?? 0)) continue;
      row.status = nextLedgerState(row.status, 'mark', 'holder') as LedgerStatus;
      row.totalBefore = request.totalBefore;
      row.reconcileBasis = request.reconcileBasis ?? null;
      row.balanceBefore = request.balanceBefore ?? row.balanceBefore;
      row.deltaSent = request.deltaSent ?? row.deltaSent;
      row.leaseToken = fence.token;
      row.settleAfter = null;
      marked++;
    }
    return marked;
  }

  async recordOutcomes(fence: LedgerFence, outcomes: DeliveryOutcome[]): Promise<number> {
    if (!this.held(fence)) return 0;
    let recorded = 0;
    for (const outcome of outcomes) {
      const row = this.rows.get(outcome.id);
      if (row?.strategyId !== fence.strategyId || row.leaseToken !== fence.token) continue;
      const to = nextLedgerState(row.status, OUTCOME_EVENT[outcome.status], 'marker');
      if (to === null || to === 'absent') continue;
      row.status = to;
      row.lastError = outcome.lastError;
      row.balanceBefore = outcome.balanceBefore ?? row.balanceBefore;
      row.deltaSent = outcome.deltaSent ?? row.deltaSent;
      row.attempts += outcome.attempts ?? 1;
      row.settleAfter = to === 'sending' ? (outcome.settleAfter ?? null) : null;
      recorded++;
    }
    return recorded;
  }

  async releaseClaims(fence: LedgerFence, ids: number[]): Promise<number> {
    if (!this.held(fence)) return 0;
    let released = 0;
    for (const id of ids) {
      const row = this.rows.get(id);
      if (row?.strategyId !== fence.strategyId || row.leaseToken !== fence.token) continue;
      const event = row.attempts === 0 ? 'release' : 'release_attempted';
      const to = nextLedgerState(row.status, event, 'marker');
      if (to === null) continue;
      if (to === 'absent') this.rows.delete(id);
      else Object.assign(row, { status: to, settleAfter: null });
      released++;
    }
    return released;
  }

  async deferSettlement(
    fence: LedgerFence,
    rows: { id: number; expectedToken: number | null }[],
    settleAfter: number,
  ): Promise<number> {
    if (!this.held(fence)) return 0;
    let stamped = 0;
    for (const request of rows) {
      const row = this.rows.get(request.id);
      if (row?.strategyId !== fence.strategyId || row.settleAfter !== null) continue;
      if ((row.leaseToken ?? 0) !== (request.expectedToken ?? 0)) continue;
      if (nextLedgerState(row.status, 'defer', 'holder') === null) continue;
      row.settleAfter = settleAfter;
      stamped++;
    }
    return stamped;
  }

  /** user-ledger-states.ts: what each user's other rows can have added to their total. */
  async userLedgerStates(
    userIds: string[],
    excludingIds: number[],
  ): Promise<Map<string, UserLedgerState>> {
    const states = new Map<string, UserLedgerState>();
    for (const row of this.rows.values()) {
      if (!userIds.includes(row.userId) || excludingIds.includes(row.id)) continue;
      const state = states.get(row.userId) ?? { ...NO_OTHER_GRANTS };
      if (row.status === 'sending' || row.status === 'unknown') state.inDoubt++;
      else if (row.status === 'applied' && row.mode === 'reset') state.resets++;
      else if (row.status === 'applied') {
        state.applied++;
        state.appliedCents += Math.round((row.deltaSent ?? row.amount) * 100);
      }
      states.set(row.userId, state);
    }
    return states;
  }

  async usersWithDeltasInFlight(userIds: string[], excludingIds: number[]): Promise<Set<string>> {
    const users = new Set<string>();
    for (const row of this.rows.values())
      if (
        row.status === 'sending' &&
        userIds.includes(row.userId) &&
        !excludingIds.includes(row.id)
      )
        users.add(row.userId);
    return users;
  }

  async findEntries(
    strategyId: number,
    statuses: LedgerStatus[],
    options: { maxAttempts?: number; limit: number; afterId?: number },
  ): Promise<ClaimedEntry[]> {
    return [...this.rows.values()]
      .filter((r) => r.strategyId === strategyId && statuses.includes(r.status))
      .filter((r) => r.id > (options.afterId ?? 0))
      .filter((r) => options.maxAttempts === undefined || r.attempts < options.maxAttempts)
      .sort((a, b) => a.id - b.id)
      .slice(0, options.limit)
      .map((r) => ({
        id: r.id,
        strategyId: r.strategyId,
        occurrence: r.occurrence,
        userId: r.userId,
        amount: r.amount,
        attempts: r.attempts,
        idempotencyKey: r.idempotencyKey,
        totalBefore: r.totalBefore,
        reconcileBasis: r.reconcileBasis,
        mode: r.mode,
        status: r.status,
        leaseToken: r.leaseToken,
        settleAfter: r.settleAfter,
        deltaSent: r.deltaSent,
      }));
  }

  async countCountedEntries(strategyId: number, userIds: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const row of this.rows.values()) {
      if (row.strategyId !== strategyId || !userIds.includes(row.userId)) continue;
      if (COUNTED.includes(row.status)) counts.set(row.userId, (counts.get(row.userId) ?? 0) + 1);
    }
    return counts;
  }

  async countUnsettled(strategyId: number, occurrence: string): Promise<number> {
    const unsettled: LedgerStatus[] = ['pending', 'sending', 'failed'];
    return [...this.rows.values()]
      .filter((r) => r.strategyId === strategyId && r.occurrence === occurrence)
      .filter((r) => unsettled.includes(r.status)).length;
  }

  async hasRowsToSettle(strategyId: number, maxAttempts: number): Promise<boolean> {
    return [...this.rows.values()].some(
      (r) =>
        r.strategyId === strategyId &&
        (r.status === 'sending' ||
          r.status === 'pending' ||
          (r.status === 'failed' && r.attempts < maxAttempts)),
    );
  }

  /** An operator's resolution (ledger-store.ts): no lease, but the same compare on status. */
  resolve(id: number, resolution: Resolution): boolean {
    const row = this.rows.get(id);
    const event = resolution === 'applied' ? 'resolve_applied' : 'resolve_retry';
    const to = row === undefined ? null : nextLedgerState(row.status, event, 'operator');
    if (row === undefined || to === null || to === 'absent') return false;
    row.status = to;
    if (resolution === 'applied') row.lastError = null;
    else row.attempts = 0;
    return true;
  }

  findByKey(strategyId: number, occurrence: string, userId: string): MemoryRow | undefined {
    for (const row of this.rows.values())
      if (row.strategyId === strategyId && row.occurrence === occurrence && row.userId === userId)
        return row;
    return undefined;
  }
}
