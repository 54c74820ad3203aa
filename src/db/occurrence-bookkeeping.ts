// The scan store's bookkeeping of occurrences (table strategy_occurrence: open, done, held,
// approvals) and the ledger totals of one occurrence that the budget check needs.
import { CLOSED_HOLD_STATUSES, type ScanStore } from '../core/ports/scan-store.ts';
import type { Db } from './client.ts';
import { decimalToNumber, toLedgerEntry } from './row-mappers.ts';

type OccurrenceMethods = Pick<
  ScanStore,
  | 'isOccurrenceDone'
  | 'markOccurrenceOpen'
  | 'latestRecordedOccurrence'
  | 'markOccurrenceDone'
  | 'occurrenceEntryTotals'
  | 'occurrenceState'
  | 'markOccurrenceHeld'
  | 'releaseHold'
  | 'approveOccurrence'
  | 'heldOccurrences'
  | 'closeHolds'
  | 'findEntry'
>;

/** Statuses that close an occurrence for good: done, or a hold ended without a grant. */
const CLOSED = ['done', ...CLOSED_HOLD_STATUSES];

export function occurrenceBookkeeping(db: Db): OccurrenceMethods {
  return {
    async isOccurrenceDone(strategyId, occurrence): Promise<boolean> {
      const row = await db.strategyOccurrence.findUnique({
        where: { strategyId_occurrence: { strategyId, occurrence } },
      });
      return row !== null && CLOSED.includes(row.status);
    },

    async markOccurrenceOpen(strategyId, occurrence): Promise<void> {
      await db.strategyOccurrence.upsert({
        where: { strategyId_occurrence: { strategyId, occurrence } },
        create: { strategyId, occurrence, status: 'open' },
        update: {},
      });
    },

    async latestRecordedOccurrence(strategyId): Promise<string | null> {
      // Occurrence keys are UTC ISO strings, so text order is time order.
      const row = await db.strategyOccurrence.findFirst({
        where: { strategyId },
        orderBy: { occurrence: 'desc' },
        select: { occurrence: true },
      });
      return row?.occurrence ?? null;
    },

    async markOccurrenceDone(strategyId, occurrence): Promise<void> {
      await db.strategyOccurrence.upsert({
        where: { strategyId_occurrence: { strategyId, occurrence } },
        create: { strategyId, occurrence, status: 'done' },
        update: { status: 'done' },
      });
    },

    async occurrenceEntryTotals(strategyId, occurrence) {
      const rows = { strategyId, occurrence };
      // An applied row says what it changed (delta_sent; a reset that drained counts 0). Any
      // other row may still be sent, in full: its amount (an add's delta, a top-up's target).
      const [users, unsettled, raised] = await Promise.all([
        db.quotaExecute.count({ where: rows }),
        db.quotaExecute.aggregate({
          where: { ...rows, OR: [{ status: { not: 'applied' } }, { deltaSent: null }] },
          _sum: { amount: true },
        }),
        db.quotaExecute.aggregate({
          where: { ...rows, status: 'applied', deltaSent: { gt: 0 } },
          _sum: { deltaSent: true },
        }),
      ]);
      const cents = (sum: unknown) => (sum === null ? 0 : Math.round(decimalToNumber(sum) * 100));
      return {
        users,
        amountCents: cents(unsettled._sum.amount) + cents(raised._sum.deltaSent),
      };
    },

    async occurrenceState(strategyId, occurrence) {
      const row = await db.strategyOccurrence.findUnique({
        where: { strategyId_occurrence: { strategyId, occurrence } },
      });
      if (row === null) return null;
      const { status, approvedBy, approvedAt, approvedVersion, approvedUsers, approvedAmount } =
        row;
      const bounded = approvedVersion !== null && approvedUsers !== null && approvedAmount !== null;
      const approval = bounded
        ? {
            strategyVersion: approvedVersion,
            users: approvedUsers,
            amount: decimalToNumber(approvedAmount),
          }
        : null;
      return { status, approvedBy, approvedAt, approval };
    },

    async markOccurrenceHeld(strategyId, occurrence): Promise<boolean> {
      // Two statements, no race that matters: a second replica holding the same occurrence at
      // the same moment only logs the hold twice.
      const before = await db.strategyOccurrence.findUnique({
        where: { strategyId_occurrence: { strategyId, occurrence } },
        select: { status: true },
      });
      await db.strategyOccurrence.upsert({
        where: { strategyId_occurrence: { strategyId, occurrence } },
        create: { strategyId, occurrence, status: 'held' },
        update: { status: 'held' },
      });
      return before?.status !== 'held';
    },

    async releaseHold(strategyId, occurrence): Promise<void> {
      await db.strategyOccurrence.updateMany({
        where: { strategyId, occurrence, status: 'held' },
        data: { status: 'open' },
      });
    },

    async approveOccurrence(strategyId, occurrence, approval): Promise<void> {
      const approved = {
        status: 'open',
        approvedBy: approval.by,
        approvedAt: approval.at,
        approvedVersion: approval.strategyVersion,
        approvedUsers: approval.users,
        approvedAmount: approval.amount,
      };
      await db.strategyOccurrence.upsert({
        where: { strategyId_occurrence: { strategyId, occurrence } },
        create: { strategyId, occurrence, ...approved },
        update: approved,
      });
    },

    async heldOccurrences(strategyId, limit): Promise<string[]> {
      const rows = await db.strategyOccurrence.findMany({
        where: { strategyId, status: 'held' },
        orderBy: { occurrence: 'desc' },
        take: limit,
        select: { occurrence: true },
      });
      return rows.map((row) => row.occurrence);
    },

    async closeHolds(strategyId, status, which = {}) {
      const where = {
        strategyId,
        status: 'held',
        ...(which.occurrence !== undefined ? { occurrence: which.occurrence } : {}),
        ...(which.before !== undefined ? { occurrence: { lt: which.before } } : {}),
      };
      const rows = await db.strategyOccurrence.findMany({ where, select: { occurrence: true } });
      if (rows.length === 0) return [];
      const occurrences = rows.map((row) => row.occurrence);
      // Compare-and-set on `held`: a hold a concurrent run released or approved stays as it is,
      // and is not reported as closed.
      const closed: string[] = [];
      for (const occurrence of occurrences) {
        const { count } = await db.strategyOccurrence.updateMany({
          where: { strategyId, occurrence, status: 'held' },
          data: { status },
        });
        if (count > 0) closed.push(occurrence);
      }
      return closed;
    },

    async findEntry(strategyId, occurrence, userId) {
      const row = await db.quotaExecute.findUnique({
        where: { strategyId_occurrence_userId: { strategyId, occurrence, userId } },
      });
      return row === null ? null : toLedgerEntry(row);
    },
  };
}
