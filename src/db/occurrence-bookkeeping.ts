// The scan store's bookkeeping of occurrences (table strategy_occurrence: open, done, held,
// approvals) and the ledger totals of one occurrence that the budget check needs.
import type { ScanStore } from '../core/ports/scan-store.ts';
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
  | 'findEntry'
>;

export function occurrenceBookkeeping(db: Db): OccurrenceMethods {
  return {
    async isOccurrenceDone(strategyId, occurrence): Promise<boolean> {
      const row = await db.strategyOccurrence.findUnique({
        where: { strategyId_occurrence: { strategyId, occurrence } },
      });
      return row?.status === 'done';
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
      const totals = await db.quotaExecute.aggregate({
        where: { strategyId, occurrence },
        _count: { _all: true },
        _sum: { amount: true },
      });
      const amount = totals._sum.amount === null ? 0 : decimalToNumber(totals._sum.amount);
      return { users: totals._count._all, amountCents: Math.round(amount * 100) };
    },

    async occurrenceState(strategyId, occurrence) {
      const row = await db.strategyOccurrence.findUnique({
        where: { strategyId_occurrence: { strategyId, occurrence } },
        select: { status: true, approvedBy: true, approvedAt: true },
      });
      return row ?? null;
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

    async approveOccurrence(strategyId, occurrence, by, at): Promise<void> {
      await db.strategyOccurrence.upsert({
        where: { strategyId_occurrence: { strategyId, occurrence } },
        create: { strategyId, occurrence, status: 'open', approvedBy: by, approvedAt: at },
        update: { status: 'open', approvedBy: by, approvedAt: at },
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

    async findEntry(strategyId, occurrence, userId) {
      const row = await db.quotaExecute.findUnique({
        where: { strategyId_occurrence_userId: { strategyId, occurrence, userId } },
      });
      return row === null ? null : toLedgerEntry(row);
    },
  };
}
