// Read-only statistics over the grant ledger (quota_execute): how many grants and how much
// was given, per status, for time windows; a user's history; the backlog for metrics.
// Amounts are summed in SQL as integer cents (amounts have at most two decimals), so the sums
// are exact on both providers: SQLite keeps DECIMAL columns as floating point, and its own
// SUM(amount) would answer 0.30000000000000004 for 0.1 + 0.2.
import { GRANT_STATUSES, type GrantStatus } from '../core/ledger.ts';
import { Prisma, type Db } from './client.ts';
import type { Execution } from './execution-repository.ts';
import { decimalToNumber } from './strategy-mapper.ts';

/** Grants and their amount in cents (bigint: exact whatever the total). */
export interface GrantTotals {
  grants: number;
  cents: bigint;
}

export type TotalsByStatus = Record<GrantStatus, GrantTotals>;

export interface WindowedTotals {
  /** One entry per requested window start, in the order given: rows created at or after it. */
  windows: TotalsByStatus[];
  allTime: TotalsByStatus;
}

export interface OccurrenceTotals {
  occurrence: string;
  byStatus: TotalsByStatus;
}

export interface UserGrantsQuery {
  status?: GrantStatus;
  limit: number;
  offset: number;
}

const CENTS = Prisma.sql`CAST(ROUND(amount * 100) AS BIGINT)`;

/** COUNT/SUM come back as bigint, number, string or Decimal depending on provider and driver. */
function toBigInt(value: unknown): bigint {
  if (value === null || value === undefined) return 0n;
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') return BigInt(Math.round(value));
  return BigInt(String(value));
}

export const emptyTotals = (): TotalsByStatus =>
  Object.fromEntries(
    GRANT_STATUSES.map((status) => [status, { grants: 0, cents: 0n }]),
  ) as TotalsByStatus;

const isStatus = (status: string): status is GrantStatus =>
  (GRANT_STATUSES as readonly string[]).includes(status);

export function createStatsRepository(db: Db) {
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
      const where =
        options.strategyId === undefined
          ? Prisma.empty
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
        if (!isStatus(status)) continue;
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

    /** Totals per status for the strategy's latest `limit` occurrences in the ledger, newest first. */
    async recentOccurrences(strategyId: number, limit: number): Promise<OccurrenceTotals[]> {
      if (limit <= 0) return [];
      // Periodic occurrence keys are UTC ISO strings, so text order is time order.
      const rows = await db.$queryRaw<Record<string, unknown>[]>`
        SELECT occurrence, status, COUNT(*) AS grants, SUM(${CENTS}) AS cents
        FROM quota_execute
        WHERE strategy_id = ${strategyId} AND occurrence IN (
          SELECT DISTINCT occurrence FROM quota_execute WHERE strategy_id = ${strategyId} ORDER BY occurrence DESC LIMIT ${limit}
        )
        GROUP BY occurrence, status`;
      const byOccurrence = new Map<string, TotalsByStatus>();
      for (const row of rows) {
        const status = String(row.status);
        if (!isStatus(status)) continue;
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
    async ledgerBacklog(): Promise<{ pending: number; failed: number; unknown: number }> {
      const groups = await db.quotaExecute.groupBy({
        by: ['status'],
        where: { status: { in: ['pending', 'failed', 'unknown'] } },
        _count: { _all: true },
      });
      const backlog = { pending: 0, failed: 0, unknown: 0 };
      for (const group of groups) {
        if (group.status === 'pending' || group.status === 'failed' || group.status === 'unknown')
          backlog[group.status] = group._count._all;
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

    /** One user's ledger rows across strategies, newest first. */
    async userGrants(
      userId: string,
      query: UserGrantsQuery,
    ): Promise<{ items: Execution[]; total: number }> {
      const where = { userId, status: query.status };
      const [rows, total] = await db.$transaction([
        db.quotaExecute.findMany({
          where,
          orderBy: { id: 'desc' },
          take: query.limit,
          skip: query.offset,
        }),
        db.quotaExecute.count({ where }),
      ]);
      // The row as the ledger read side shapes it (columns kept as they are, amount and status typed).
      const items = rows.map(({ idempotencyKey: _key, ...row }): Execution => ({
        ...row,
        amount: decimalToNumber(row.amount),
        status: row.status as GrantStatus,
      }));
      return { items, total };
    },
  };
}

export type StatsRepository = ReturnType<typeof createStatsRepository>;

/** Cents → a number with at most two decimals (exact to print below 2^53 cents). */
export function centsToAmount(cents: bigint): number {
  return Number(cents) / 100;
}
