// The scan store's bookkeeping of occurrences (table strategy_occurrence: open, done, held,
// approvals) and the ledger totals of one occurrence that the budget check needs.
import {
  CLOSED_HOLD_STATUSES,
  type ClosedHoldStatus,
  type ScanStore,
} from '../core/ports/scan-store.ts';
import type { Db } from './client.ts';
import { writeAudit } from './audit-store.ts';
import { writeEvents } from './event-outbox.ts';
import { isUniqueViolation } from './prisma-errors.ts';
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
  | 'closedHolds'
  | 'dismissOccurrence'
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

    async markOccurrenceHeld(strategyId, occurrence, event): Promise<boolean> {
      // The transition is one compare-and-set (open → held), so of two replicas holding the
      // same occurrence at once exactly one sees it become held and writes the event. A closed
      // occurrence (done, or a hold dismissed or superseded meanwhile) is never held again.
      const transition = db.$transaction(async (tx) => {
        const key = { strategyId, occurrence };
        const moved = await tx.strategyOccurrence.updateMany({
          where: { ...key, status: { notIn: ['held', ...CLOSED] } },
          data: { status: 'held' },
        });
        let becameHeld = moved.count === 1;
        if (!becameHeld) {
          const exists = await tx.strategyOccurrence.count({ where: key });
          if (exists === 0) {
            await tx.strategyOccurrence.create({ data: { ...key, status: 'held' } });
            becameHeld = true;
          }
        }
        if (becameHeld && event) await writeEvents(tx, [event]);
        return becameHeld;
      });
      // Two replicas creating the row at once: the second one's insert clashes, and it was not
      // the one that made the occurrence held.
      return transition.catch((error: unknown) => {
        if (isUniqueViolation(error)) return false;
        throw error;
      });
    },

    async releaseHold(strategyId, occurrence): Promise<void> {
      await db.strategyOccurrence.updateMany({
        where: { strategyId, occurrence, status: 'held' },
        data: { status: 'open' },
      });
    },

    async approveOccurrence(strategyId, occurrence, approval, audit): Promise<boolean> {
      const approved = {
        status: 'open',
        approvedBy: approval.by,
        approvedAt: approval.at,
        approvedVersion: approval.strategyVersion,
        approvedUsers: approval.users,
        approvedAmount: approval.amount,
      };
      // One transaction: an approval whose audit row or event were lost (a crash between two
      // commits) would let a grant past the caps with no record of who allowed it.
      return db.$transaction(async (tx) => {
        const { count } = await tx.strategyOccurrence.updateMany({
          where: { strategyId, occurrence, status: 'held' },
          data: approved,
        });
        if (count === 0) return false;
        await writeAudit(tx, audit);
        return true;
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

    async dismissOccurrence(strategyId, occurrence, audit): Promise<boolean> {
      return db.$transaction(async (tx) => {
        const { count } = await tx.strategyOccurrence.updateMany({
          where: { strategyId, occurrence, status: 'held' },
          data: { status: 'dismissed' },
        });
        if (count === 0) return false;
        await writeAudit(tx, audit);
        return true;
      });
    },

    async closedHolds(strategyId, limit) {
      const rows = await db.strategyOccurrence.findMany({
        where: { strategyId, status: { in: [...CLOSED_HOLD_STATUSES] } },
        orderBy: { occurrence: 'desc' },
        take: limit,
        select: { occurrence: true, status: true, updatedAt: true },
      });
      return rows.map((row) => ({
        occurrence: row.occurrence,
        status: row.status as ClosedHoldStatus,
        closedAt: row.updatedAt,
      }));
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
