// StatsStore: read-only statistics over the grant ledger (quota_execute): how many grants and
// how much was given, per status, for time windows; the backlog for metrics.
// Amounts (what each grant changed, see CENTS) are summed in SQL as integer cents (amounts have at most two decimals), so the sums
// are exact on both providers: SQLite keeps DECIMAL columns as floating point, and its own
// SUM(amount) would answer 0.30000000000000004 for 0.1 + 0.2.
import {
  emptyTotals,
  isLedgerStatus,
  type OccurrenceTotals,
  type TotalsByStatus,
  type WindowedTotals,
} from '../core/model/ledger-totals.ts';
import { EXPIRY_STRATEGY_ID } from '../core/lots/lot.ts';
import type { StatsStore } from '../core/ports/stores.ts';
import { Prisma, type Database } from './client.ts';
import type { DatabaseKind } from '../config/database-url.ts';

/**
 * What a row gave, in integer cents: `delta_sent` (for top_up and reset the balance change, not
 * the target); rows written before grant modes have none and were adds of `amount`. A top_up or
 * reset not sent yet has given nothing known: 0. MySQL spells the 64-bit integer cast SIGNED.
 */
function centsSql(kind: DatabaseKind): Prisma.Sql {
  const given = `CASE WHEN delta_sent IS NOT NULL THEN delta_sent WHEN mode = 'add' THEN amount ELSE 0 END`;
  return Prisma.raw(`CAST(ROUND((${given}) * 100) AS ${kind === 'mysql' ? 'SIGNED' : 'BIGINT'})`);
}

/** COUNT/SUM come back as bigint, number, string or Decimal depending on provider and driver. */
function toBigInt(value: unknown): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.round(value));
  if (typeof value === 'string') return BigInt(value);
  // A Decimal: its text is the number.
  return BigInt((value as { toString(): string }).toString());
}

export function createStatsStore({ db, kind }: Database): StatsStore {
  const CENTS = centsSql(kind);
  return {
    /**
     * Totals per status for all time and for each window (rows created at or after its start),
     * optionally for one strategy: one grouped query, whatever the number of windows.
     */
    async grantTotals(options: {
      strategyId?: number;
      windowStarts: Date[];
    }): Promise<WindowedTotals> {
      const windowColumns = options.windowStarts.map(
        (start, index) => Prisma.sql`,
        SUM(CASE WHEN created_at >= ${start} THEN 1 ELSE 0 END) AS ${Prisma.raw(`w${index}_grants`)},
        SUM(CASE WHEN created_at >= ${start} THEN ${CENTS} ELSE 0 END) AS ${Prisma.raw(`w${index}_cents`)}`,
      );
      // Lot expiries (strategy id 0) take quota back: they are counted by expiredTotals.
      const where =
        options.strategyId === undefined
          ? Prisma.sql`WHERE strategy_id <> ${EXPIRY_STRATEGY_ID}`
          : Prisma.sql`WHERE strategy_id = ${options.strategyId}`;
      const rows = await db.$queryRaw<Record<string, unknown>[]>`
        SELECT status, COUNT(*) AS all_grants, SUM(${CENTS}) AS all_cents ${Prisma.join(windowColumns, '')}
        FROM quota_execute ${where}
        GROUP BY status`;
      const result: WindowedTotals = {
        windows: options.windowStarts.map(emptyTotals),
        allTime: emptyTotals(),
      };
      for (const row of rows) {
        const status = String(row.status);
        if (!isLedgerStatus(status)) continue;
        result.allTime[status] = {
          grants: Number(toBigInt(row.all_grants)),
          cents: toBigInt(row.all_cents),
        };
        result.windows.forEach((totals, index) => {
          totals[status] = {
            grants: Number(toBigInt(row[`w${index}_grants`])),
            cents: toBigInt(row[`w${index}_cents`]),
          };
        });
      }
      return result;
    },

    async expiredTotals(options) {
      const windowColumns = options.windowStarts.map(
        (start, index) =>
          Prisma.sql`, SUM(CASE WHEN updated_at >= ${start} THEN ${CENTS} ELSE 0 END) AS ${Prisma.raw(`w${index}`)}`,
      );
      // An expiry row's occurrence starts with its lot's strategy id (core/lots/lot.ts).
      const ofStrategy =
        options.strategyId === undefined
          ? Prisma.empty
          : Prisma.sql`AND occurrence LIKE ${`${options.strategyId}:%`}`;
      const rows = await db.$queryRaw<Record<string, unknown>[]>`
        SELECT SUM(${CENTS}) AS all_cents ${Prisma.join(windowColumns, '')}
        FROM quota_execute WHERE strategy_id = ${EXPIRY_STRATEGY_ID} AND status = 'applied' ${ofStrategy}`;
      const row = rows[0] ?? {};
      return {
        allTime: -toBigInt(row.all_cents),
        windows: options.windowStarts.map((_, index) => -toBigInt(row[`w${index}`])),
      };
    },

    /** Totals per status for the strategy's latest `limit` occurrences in the ledger, newest first. */
    async recentOccurrences(strategyId: number, limit: number): Promise<OccurrenceTotals[]> {
      if (limit <= 0) return [];
      // Periodic occurrence keys are UTC ISO strings, so text order is time order. The LIMIT sits
      // in a derived table because MySQL refuses one directly inside IN (…).
      const rows = await db.$queryRaw<Record<string, unknown>[]>`
        SELECT occurrence, status, COUNT(*) AS grants, SUM(${CENTS}) AS cents
        FROM quota_execute
        WHERE strategy_id = ${strategyId} AND occurrence IN (SELECT occurrence FROM (
          SELECT DISTINCT occurrence FROM quota_execute WHERE strategy_id = ${strategyId} ORDER BY occurrence DESC LIMIT ${limit}
        ) AS latest)
        GROUP BY occurrence, status`;
      const byOccurrence = new Map<string, TotalsByStatus>();
      for (const row of rows) {
        const status = String(row.status);
        if (!isLedgerStatus(status)) continue;
        const occurrence = String(row.occurrence);
        const totals = byOccurrence.get(occurrence) ?? emptyTotals();
        totals[status] = { grants: Number(toBigInt(row.grants)), cents: toBigInt(row.cents) };
        byOccurrence.set(occurrence, totals);
      }
      return [...byOccurrence.entries()]
        .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
        .map(([occurrence, byStatus]) => ({ occurrence, byStatus }));
    },

    /** Ledger rows still needing attention, by status: one grouped query (status is indexed). */
    async countHeldOccurrences(): Promise<number> {
      return db.strategyOccurrence.count({ where: { status: 'held' } });
    },

    async ledgerBacklog() {
      const backlog = { pending: 0, sending: 0, failed: 0, unknown: 0 };
      const statuses = Object.keys(backlog) as (keyof typeof backlog)[];
      const groups = await db.quotaExecute.groupBy({
        by: ['status'],
        where: { status: { in: statuses } },
        _count: { _all: true },
      });
      for (const group of groups) {
        const status = statuses.find((s) => s === group.status);
        if (status !== undefined) backlog[status] = group._count._all;
      }
      return backlog;
    },

    /** Ids and creation times of the enabled strategies (for the metrics' last-success gauge). */
    async enabledStrategies(): Promise<{ id: number; createdAt: Date }[]> {
      return db.quotaStrategy.findMany({
        where: { enabled: true },
        select: { id: true, createdAt: true },
        orderBy: { id: 'asc' },
      });
    },
  };
}
