// Prisma implementation of the LotStore port (core/ports/lot-store.ts): credit lots, the terms
// of each occurrence's lots, and each user's used counter at their last lot event. Every lot
// event is one transaction, and the used counter is a compare-and-set, so two writers never both
// attribute the same consumption.
import { expiryOccurrence, EXPIRY_STRATEGY_ID } from '../core/lots/lot.ts';
import type { LotEventWrite, LotStore, UnrecordedLotGrant } from '../core/ports/lot-store.ts';
import { decimalToNumber } from './row-mappers.ts';
import { nullableNumber, toLot, toTerms, type ExpiryRow, type LotRow } from './lot-rows.ts';
import type { Database, DbClient } from './client.ts';
import { isUniqueViolation } from './prisma-errors.ts';
import {
  consumedSql,
  expiringSql,
  firstUsageSql,
  lotsMadeSql,
  newLotsSql,
  usageSql,
} from './lot-event-sql.ts';

const money = (value: number) => value.toFixed(2);

/**
 * Lots per id list in one Prisma query: two lists (occurrences and users) of this many stay
 * within the bind values Prisma assumes SQLite takes (999). The lot pass's pages are no larger.
 */
export const MAX_LOTS_PER_STATEMENT = 400;

const chunks = <T>(items: readonly T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += MAX_LOTS_PER_STATEMENT)
    out.push(items.slice(i, i + MAX_LOTS_PER_STATEMENT));
  return out;
};

/** A lot event that found its compare half changed: the transaction is rolled back. */
class LotEventConflict extends Error {}

export function createLotStore(database: Database): LotStore {
  const { db, kind } = database;

  /** Each lot's expiry row: its status and what it sent (absent: no row yet). */
  async function expiryStatuses(client: DbClient, lots: readonly LotRow[]) {
    const statuses = new Map<number, ExpiryRow>();
    for (let i = 0; i < lots.length; i += MAX_LOTS_PER_STATEMENT) {
      const chunk = lots.slice(i, i + MAX_LOTS_PER_STATEMENT);
      for (const [id, status] of await expiryStatusesOf(client, chunk)) statuses.set(id, status);
    }
    return statuses;
  }

  async function expiryStatusesOf(client: DbClient, lots: readonly LotRow[]) {
    const rows = await client.quotaExecute.findMany({
      where: {
        strategyId: EXPIRY_STRATEGY_ID,
        occurrence: { in: [...new Set(lots.map((l) => expiryOccurrence(toLot(l, null))))] },
        userId: { in: [...new Set(lots.map((l) => l.userId))] },
      },
      select: { occurrence: true, userId: true, status: true, deltaSent: true },
    });
    const byKey = new Map(
      rows.map((r) => [
        `${r.occurrence}\u0000${r.userId}`,
        { status: r.status, deltaSent: nullableNumber(r.deltaSent) },
      ]),
    );
    const statuses = new Map<number, ExpiryRow>();
    for (const lot of lots) {
      const status = byKey.get(`${expiryOccurrence(toLot(lot, null))}\u0000${lot.userId}`);
      if (status !== undefined) statuses.set(lot.id, status);
    }
    return statuses;
  }

  /**
   * Lots as listed: with their expiry row's status, and once it applied, what it took back —
   * the decided amount capped to the balance when it was sent (core/scan/take-back.ts).
   */
  const withStatuses = async (rows: LotRow[]) => {
    const statuses = await expiryStatuses(db, rows);
    return rows.map((row) => {
      const expiry = statuses.get(row.id);
      const lot = toLot(row, expiry?.status ?? null);
      if (expiry?.status === 'applied' && expiry.deltaSent !== null)
        return { ...lot, expiredAmount: -expiry.deltaSent };
      return lot;
    });
  };

  /**
   * One transaction of a few JSON-batched statements per page of events (lot-event-sql.ts);
   * any compare half that fails rolls all of it back.
   */
  async function writeEvent(tx: DbClient, write: LotEventWrite) {
    const now = new Date();
    const created = write.usage.filter((u) => u.expected === null);
    for (const chunk of chunks(created)) {
      if ((await tx.$executeRaw(firstUsageSql(kind, chunk, now))) !== chunk.length)
        throw new LotEventConflict();
    }
    const moved = write.usage.flatMap((u) =>
      u.expected === null ? [] : [{ userId: u.userId, usedSeen: u.usedSeen, expected: u.expected }],
    );
    for (const chunk of chunks(moved)) {
      if ((await tx.$executeRaw(usageSql(kind, chunk, now))) !== chunk.length)
        throw new LotEventConflict();
    }
    for (const chunk of chunks(write.consumed)) await tx.$executeRaw(consumedSql(kind, chunk, now));
    for (const chunk of chunks(write.expiring)) {
      if ((await tx.$executeRaw(expiringSql(kind, chunk, now))) !== chunk.length)
        throw new LotEventConflict();
    }
    for (const chunk of chunks(write.newLots)) {
      if ((await tx.$executeRaw(newLotsSql(kind, chunk, now))) !== chunk.length)
        throw new LotEventConflict();
    }
    if (write.newLots.length > 0) {
      const grantIds = write.newLots.flatMap((lot) => (lot.grantId === null ? [] : [lot.grantId]));
      for (const chunk of chunks(grantIds)) await tx.$executeRaw(lotsMadeSql(kind, chunk));
    }
  }

  return {
    async saveLotTerms(strategyId, occurrence, terms) {
      const existing = await db.creditLotTerms.findUnique({
        where: { strategyId_occurrence: { strategyId, occurrence } },
      });
      if (existing !== null) return;
      try {
        await db.creditLotTerms.create({
          data: {
            strategyId,
            occurrence,
            ...terms,
            rolloverMax: terms.rolloverMax === null ? null : money(terms.rolloverMax),
          },
        });
      } catch (error) {
        // Written meanwhile by another run: the first one's terms stand.
        if (!isUniqueViolation(error)) throw error;
      }
    },

    async unrecordedLotGrants(limit, afterId): Promise<UnrecordedLotGrant[]> {
      // The marker's index holds only grants still waiting for their lot (ledger-sql.ts).
      const grants = await db.quotaExecute.findMany({
        where: { lotDue: true, status: 'applied', id: { gt: afterId } },
        orderBy: { id: 'asc' },
        take: limit,
      });
      if (grants.length === 0) return [];
      const terms = await db.creditLotTerms.findMany({
        where: {
          OR: [...new Set(grants.map((g) => `${g.strategyId}\u0000${g.occurrence}`))].map((key) => {
            const [strategyId, occurrence] = key.split('\u0000') as [string, string];
            return { strategyId: Number(strategyId), occurrence };
          }),
        },
      });
      const termsOf = new Map(terms.map((t) => [`${t.strategyId}\u0000${t.occurrence}`, t]));
      return grants.flatMap((g) => {
        const found = termsOf.get(`${g.strategyId}\u0000${g.occurrence}`);
        // Marked by the claim only where terms exist, and terms are never deleted.
        if (found === undefined) return [];
        return [
          {
            grantId: g.id,
            strategyId: g.strategyId,
            occurrence: g.occurrence,
            userId: g.userId,
            amount: decimalToNumber(g.deltaSent ?? g.amount),
            appliedAt: g.updatedAt,
            terms: toTerms(found),
          },
        ];
      });
    },

    async activeLots(userIds) {
      if (userIds.length === 0) return [];
      const rows = await db.creditLot.findMany({
        where: { userId: { in: [...userIds] }, state: 'active' },
        orderBy: { id: 'asc' },
      });
      return rows.map((row) => toLot(row, null));
    },

    async usedSeen(userIds) {
      const rows = await db.creditLotUsage.findMany({ where: { userId: { in: [...userIds] } } });
      return new Map(rows.map((r) => [r.userId, decimalToNumber(r.usedSeen)]));
    },

    async writeLotEvent(write) {
      try {
        await db.$transaction((tx) => writeEvent(tx, write));
        return true;
      } catch (error) {
        if (error instanceof LotEventConflict || isUniqueViolation(error)) return false;
        throw error;
      }
    },

    async dueLots(now, limit, afterId) {
      const rows = await db.creditLot.findMany({
        where: { state: 'active', expiresAt: { lte: now }, id: { gt: afterId } },
        orderBy: { id: 'asc' },
        take: limit,
      });
      return rows.map((row) => toLot(row, null));
    },

    async expiringLots(limit) {
      const rows = await db.creditLot.findMany({
        where: { state: 'expiring' },
        orderBy: { id: 'asc' },
        take: limit,
      });
      return rows.map((row) => toLot(row, null));
    },

    async markExpired(lots) {
      if (lots.length === 0) return;
      const rows = await db.creditLot.findMany({
        where: { id: { in: lots.map((l) => l.id) }, state: 'expiring' },
      });
      const statuses = await expiryStatuses(db, rows);
      const ids = rows.filter((row) => statuses.has(row.id)).map((row) => row.id);
      if (ids.length > 0)
        await db.creditLot.updateMany({
          where: { id: { in: ids }, state: 'expiring' },
          data: { state: 'expired' },
        });
    },

    async listLots(query) {
      const where = {
        ...(query.userId !== undefined ? { userId: query.userId } : {}),
        ...(query.activeUntil !== undefined
          ? { state: 'active', expiresAt: { lte: query.activeUntil } }
          : {}),
      };
      const [rows, total] = await Promise.all([
        db.creditLot.findMany({
          where: { ...where, id: { gt: query.afterId ?? 0 } },
          orderBy: { id: 'asc' },
          take: query.limit,
        }),
        db.creditLot.count({ where }),
      ]);
      return { items: await withStatuses(rows), total };
    },
  };
}
