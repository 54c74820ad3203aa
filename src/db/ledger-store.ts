// LedgerStore over quota_execute: the read side of the grant ledger for the API, operator
// resolutions, and the ledger retention queries. (The scanner's writes are in scan-store.ts.)
import { CLOSED_HOLD_STATUSES } from '../core/ports/scan-store.ts';
import { AppError, notFound } from '../core/errors.ts';
import type { LedgerEntry, LedgerKey, Resolution } from '../core/model/ledger-entry.ts';
import { statusesFor } from '../core/model/ledger-transitions.ts';
import type { GrantFilter, LedgerFilter, LedgerStore } from '../core/ports/stores.ts';
import type { Database } from './client.ts';
import { toLedgerEntry } from './row-mappers.ts';

export function createLedgerStore({ db }: Database): LedgerStore {
  return {
    // `retry` makes the row `failed` with its attempts reset: the next scan re-sends it with
    // the same idempotency key.
    async resolve(
      strategyId: number,
      id: number,
      resolution: Resolution,
      now: Date,
    ): Promise<LedgerEntry> {
      const data =
        resolution === 'applied'
          ? { status: 'applied', lastError: null, updatedAt: now }
          : { status: 'failed', attempts: 0, updatedAt: now };
      const { count } = await db.quotaExecute.updateMany({
        // A compare-and-set like every ledger transition: a row a run is re-sending right now
        // (`sending`) is not the operator's to change.
        where: {
          id,
          strategyId,
          status: {
            in: statusesFor(resolution === 'applied' ? 'resolve_applied' : 'resolve_retry'),
          },
        },
        data,
      });
      const row = await db.quotaExecute.findFirst({ where: { id, strategyId } });
      if (!row) throw notFound('execution', id);
      if (count === 0)
        throw new AppError(
          'conflict',
          `execution ${id} is ${row.status}; only unknown or failed grants can be resolved`,
        );
      return toLedgerEntry(row);
    },

    // Keyset by id when `afterId` is given (in the page's direction); the deprecated offset
    // otherwise. The count is one more range scan of the same index as the page.
    async list(filter: LedgerFilter) {
      const where = { strategyId: filter.strategyId, userId: filter.userId, status: filter.status };
      const keyset = filter.afterId !== undefined;
      const after = filter.newestFirst ? { lt: filter.afterId } : { gt: filter.afterId };
      const [rows, total] = await db.$transaction([
        db.quotaExecute.findMany({
          where: keyset ? { ...where, id: after } : where,
          orderBy: { id: filter.newestFirst ? 'desc' : 'asc' },
          take: filter.limit,
          skip: keyset ? undefined : filter.offset,
        }),
        db.quotaExecute.count({ where }),
      ]);
      return { items: rows.map(toLedgerEntry), total };
    },

    // Keyset by id (the creation order): each page is one index range scan, however deep.
    async grants(filter: GrantFilter): Promise<LedgerEntry[]> {
      const rows = await db.quotaExecute.findMany({
        where: {
          strategyId: filter.strategyId,
          userId: filter.userId,
          status: filter.status,
          occurrence: filter.occurrence,
          createdAt: { gte: filter.from, lt: filter.to },
          id: filter.beforeId === undefined ? undefined : { lt: filter.beforeId },
        },
        orderBy: { id: 'desc' },
        take: filter.limit,
      });
      return rows.map(toLedgerEntry);
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

    /** Which of these occurrences of a periodic strategy are closed for good (strategy_occurrence). */
    async closedOccurrences(strategyId: number, occurrences: string[]): Promise<Set<string>> {
      if (occurrences.length === 0) return new Set();
      const rows = await db.strategyOccurrence.findMany({
        where: {
          strategyId,
          occurrence: { in: occurrences },
          status: { in: ['done', ...CLOSED_HOLD_STATUSES] },
        },
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
