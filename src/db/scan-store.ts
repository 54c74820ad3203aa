// Prisma implementation of the scanner's ScanStore port. Claims use raw SQL because Prisma's
// createMany cannot report which rows a conflicting insert skipped, and SQLite has no
// skipDuplicates; `INSERT … ON CONFLICT DO NOTHING RETURNING` does both, on both providers.
import type { ConditionUser, UserWhere } from '../condition/index.ts';
import type { Grant, GrantOutcome, GrantStatus, NewGrant } from '../core/ledger.ts';
import type { CandidateQuery, ScanStore } from '../core/scan/ports.ts';
import type { Strategy } from '../core/strategy.ts';
import { Prisma, type Db } from './client.ts';
import { decimalToNumber, toStrategy } from './strategy-mapper.ts';

/** Statuses that count towards max_exec_per_user: granted, or possibly granted. */
const COUNTED_STATUSES: GrantStatus[] = ['applied', 'pending', 'unknown'];

export function createScanStore(db: Db): ScanStore {
  return {
    async listEnabledStrategies(): Promise<Strategy[]> {
      const rows = await db.quotaStrategy.findMany({ where: { enabled: true }, orderBy: { id: 'asc' } });
      return rows.map(toStrategy);
    },

    async findCandidates(query: CandidateQuery): Promise<ConditionUser[]> {
      const filters: Prisma.UserInfoWhereInput[] = [
        query.where as Prisma.UserInfoWhereInput,
        { executions: { none: { strategyId: query.strategyId, occurrence: query.occurrence } } },
      ];
      if (query.afterUserId !== null) filters.push({ id: { gt: query.afterUserId } });
      const where = { AND: filters };
      if (!query.withAttributes) {
        const rows = await db.userInfo.findMany({ where, orderBy: { id: 'asc' }, take: query.limit, select: { id: true } });
        return rows.map((row) => ({ id: row.id, vip: 0, org: null, registerTime: null, accessTime: null, githubStars: [] }));
      }
      const rows = await db.userInfo.findMany({
        where,
        orderBy: { id: 'asc' },
        take: query.limit,
        select: { id: true, vip: true, org: true, registerTime: true, accessTime: true, stars: { select: { repo: true } } },
      });
      return rows.map(({ stars, ...user }) => ({ ...user, githubStars: stars.map((s) => s.repo) }));
    },

    async countCountedGrants(strategyId: number, userIds: string[]): Promise<Map<string, number>> {
      const groups = await db.quotaExecute.groupBy({
        by: ['userId'],
        where: { strategyId, userId: { in: userIds }, status: { in: COUNTED_STATUSES } },
        _count: { _all: true },
      });
      return new Map(groups.map((g) => [g.userId, g._count._all]));
    },

    async claimGrants(rows: NewGrant[]): Promise<Grant[]> {
      if (rows.length === 0) return [];
      const now = new Date();
      const values = rows.map(
        (r) => Prisma.sql`(${r.strategyId}, ${r.occurrence}, ${r.userId}, ${new Prisma.Decimal(r.amount)}, 'pending', 0, ${r.idempotencyKey}, ${r.catchUp}, ${now}, ${now})`,
      );
      const inserted = await db.$queryRaw<{ id: number | bigint; user_id: string }[]>`
        INSERT INTO quota_execute (strategy_id, occurrence, user_id, amount, status, attempts, idempotency_key, catch_up, created_at, updated_at)
        VALUES ${Prisma.join(values)}
        ON CONFLICT (strategy_id, occurrence, user_id) DO NOTHING
        RETURNING id, user_id`;
      const byUser = new Map(rows.map((r) => [r.userId, r]));
      return inserted.map((row) => {
        const source = byUser.get(row.user_id)!;
        return { ...source, id: Number(row.id), attempts: 0 };
      });
    },

    async findGrants(strategyId, statuses, options): Promise<Grant[]> {
      const rows = await db.quotaExecute.findMany({
        where: {
          strategyId,
          status: { in: statuses },
          id: { gt: options.afterId ?? 0 },
          ...(options.maxAttempts !== undefined ? { attempts: { lt: options.maxAttempts } } : {}),
        },
        orderBy: { id: 'asc' },
        take: options.limit,
      });
      return rows.map((row) => ({
        id: row.id,
        strategyId: row.strategyId,
        occurrence: row.occurrence,
        userId: row.userId,
        amount: decimalToNumber(row.amount),
        attempts: row.attempts,
        idempotencyKey: row.idempotencyKey,
      }));
    },

    async recordOutcomes(outcomes: GrantOutcome[]): Promise<void> {
      if (outcomes.length === 0) return;
      const now = new Date();
      const applied = outcomes.filter((o) => o.status === 'applied').map((o) => o.id);
      const others = outcomes.filter((o) => o.status !== 'applied');
      // Successes are the common case: one statement for the whole page.
      const writes: Prisma.PrismaPromise<unknown>[] = [];
      if (applied.length > 0) {
        writes.push(db.quotaExecute.updateMany({
          where: { id: { in: applied } },
          data: { status: 'applied', lastError: null, attempts: { increment: 1 }, updatedAt: now },
        }));
      }
      for (const o of others) {
        writes.push(db.quotaExecute.update({
          where: { id: o.id },
          data: { status: o.status, lastError: o.lastError, attempts: { increment: 1 }, updatedAt: now },
        }));
      }
      await db.$transaction(writes);
    },

    async acquireLease(strategyId, holder, nowMs, ttlMs): Promise<boolean> {
      // Insert, or take over an expired lease, or extend our own — in one atomic statement.
      const rows = await db.$queryRaw<{ holder: string }[]>`
        INSERT INTO strategy_lease (strategy_id, holder, expires_at) VALUES (${strategyId}, ${holder}, ${BigInt(nowMs + ttlMs)})
        ON CONFLICT (strategy_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
        WHERE strategy_lease.holder = excluded.holder OR strategy_lease.expires_at < ${BigInt(nowMs)}
        RETURNING holder`;
      return rows.length === 1;
    },

    async releaseLease(strategyId, holder): Promise<void> {
      await db.strategyLease.deleteMany({ where: { strategyId, holder } });
    },

    async isOccurrenceDone(strategyId, occurrence): Promise<boolean> {
      const row = await db.strategyOccurrence.findUnique({ where: { strategyId_occurrence: { strategyId, occurrence } } });
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
      const row = await db.strategyOccurrence.findFirst({ where: { strategyId }, orderBy: { occurrence: 'desc' }, select: { occurrence: true } });
      return row?.occurrence ?? null;
    },

    async markOccurrenceDone(strategyId, occurrence): Promise<void> {
      await db.strategyOccurrence.upsert({
        where: { strategyId_occurrence: { strategyId, occurrence } },
        create: { strategyId, occurrence, status: 'done' },
        update: { status: 'done' },
      });
    },

    async countUnsettled(strategyId, occurrence): Promise<number> {
      return db.quotaExecute.count({ where: { strategyId, occurrence, status: { in: ['pending', 'failed'] } } });
    },
  };
}

export type { UserWhere };
