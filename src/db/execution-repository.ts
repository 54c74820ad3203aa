// Read side of the grant ledger (quota_execute) for the API, and the ledger retention queries.
import { AppError, notFound } from '../core/errors.ts';
import type { GrantStatus } from '../core/ledger.ts';
import type { Db } from './client.ts';
import { decimalToNumber } from './strategy-mapper.ts';

export interface Execution {
  id: number;
  strategyId: number;
  userId: string;
  occurrence: string;
  amount: number;
  status: GrantStatus;
  attempts: number;
  lastError: string | null;
  catchUp: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface ExecutionFilter {
  strategyId?: number;
  userId?: string;
  status?: GrantStatus;
  limit: number;
  offset: number;
  /** Newest rows first (by id, i.e. by creation); default oldest first. */
  newestFirst?: boolean;
}

type ExecutionRow = Omit<Execution, 'amount' | 'status'> & { amount: unknown; status: string };

function toExecution(row: ExecutionRow): Execution {
  return {
    id: row.id,
    strategyId: row.strategyId,
    userId: row.userId,
    occurrence: row.occurrence,
    amount: decimalToNumber(row.amount),
    status: row.status as GrantStatus,
    attempts: row.attempts,
    lastError: row.lastError,
    catchUp: row.catchUp,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** What an operator decided about a grant whose outcome the daemon could not know. */
export type Resolution = 'applied' | 'retry';

export function createExecutionRepository(db: Db) {
  return {
    /**
     * `applied`: the operator checked the gateway and the grant arrived. `retry`: it did not;
     * the row becomes `failed` with its attempts reset, and the next scan re-sends it with the
     * same idempotency key. Only `unknown` and `failed` rows can be resolved.
     */
    async resolve(
      strategyId: number,
      id: number,
      resolution: Resolution,
      now: Date,
    ): Promise<Execution> {
      const data =
        resolution === 'applied'
          ? { status: 'applied', lastError: null, updatedAt: now }
          : { status: 'failed', attempts: 0, updatedAt: now };
      const { count } = await db.quotaExecute.updateMany({
        where: { id, strategyId, status: { in: ['unknown', 'failed'] } },
        data,
      });
      const row = await db.quotaExecute.findFirst({ where: { id, strategyId } });
      if (!row) throw notFound('execution', id);
      if (count === 0)
        throw new AppError(
          'conflict',
          `execution ${id} is ${row.status}; only unknown or failed grants can be resolved`,
        );
      return toExecution(row);
    },

    async list(filter: ExecutionFilter): Promise<{ items: Execution[]; total: number }> {
      const where = { strategyId: filter.strategyId, userId: filter.userId, status: filter.status };
      const [rows, total] = await db.$transaction([
        db.quotaExecute.findMany({
          where,
          orderBy: { id: filter.newestFirst ? 'desc' : 'asc' },
          take: filter.limit,
          skip: filter.offset,
        }),
        db.quotaExecute.count({ where }),
      ]);
      return { items: rows.map(toExecution), total };
    },

    /** Retention candidates: applied rows last changed before `before`, by id, after `afterId`. */
    async findAppliedBefore(before: Date, afterId: number, limit: number): Promise<LedgerKey[]> {
      return db.quotaExecute.findMany({
        where: { status: 'applied', updatedAt: { lt: before }, id: { gt: afterId } },
        orderBy: { id: 'asc' },
        take: limit,
        select: { id: true, strategyId: true, occurrence: true },
      });
    },

    async countAppliedBefore(before: Date): Promise<number> {
      return db.quotaExecute.count({ where: { status: 'applied', updatedAt: { lt: before } } });
    },

    /** Which of these occurrences of a periodic strategy are marked done (strategy_occurrence). */
    async doneOccurrences(strategyId: number, occurrences: string[]): Promise<Set<string>> {
      if (occurrences.length === 0) return new Set();
      const rows = await db.strategyOccurrence.findMany({
        where: { strategyId, occurrence: { in: occurrences }, status: 'done' },
        select: { occurrence: true },
      });
      return new Set(rows.map((r) => r.occurrence));
    },

    /**
     * Deletes these rows, re-checking in the statement that each is still applied and older than
     * `before`; returns how many were deleted.
     */
    async deleteAppliedBefore(ids: number[], before: Date): Promise<number> {
      if (ids.length === 0) return 0;
      const { count } = await db.quotaExecute.deleteMany({
        where: { id: { in: ids }, status: 'applied', updatedAt: { lt: before } },
      });
      return count;
    },
  };
}

/** The identity of a ledger row: enough to decide whether retention may delete it. */
export interface LedgerKey {
  id: number;
  strategyId: number;
  occurrence: string;
}

export type ExecutionRepository = ReturnType<typeof createExecutionRepository>;
