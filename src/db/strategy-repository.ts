// quota_strategy persistence. Translates unique-name violations to 409 and missing rows to 404.
import { AppError, notFound } from '../core/errors.ts';
import type { Strategy, StrategyFields, StrategyType } from '../core/strategy.ts';
import { Prisma, type Db } from './client.ts';
import { isRecordNotFound, isUniqueViolation } from './prisma-errors.ts';
import { toStrategy } from './strategy-mapper.ts';

export interface StrategyListFilter {
  type?: StrategyType;
  enabled?: boolean;
  limit: number;
  offset: number;
}

function toData(fields: StrategyFields) {
  return { ...fields, amount: new Prisma.Decimal(fields.amount) };
}

function duplicateName(name: string): AppError {
  return new AppError('conflict', `a strategy named "${name}" already exists`, [
    { field: 'name', message: 'already in use' },
  ]);
}

export function createStrategyRepository(db: Db) {
  return {
    /** `now` comes from the injected clock: periodic schedules start from created_at. */
    async create(fields: StrategyFields, now: Date): Promise<Strategy> {
      try {
        return toStrategy(
          await db.quotaStrategy.create({
            data: { ...toData(fields), createdAt: now, updatedAt: now },
          }),
        );
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicateName(fields.name);
        throw error;
      }
    },

    async get(id: number): Promise<Strategy> {
      const row = await db.quotaStrategy.findUnique({ where: { id } });
      if (!row) throw notFound('strategy', id);
      return toStrategy(row);
    },

    async list(filter: StrategyListFilter): Promise<{ items: Strategy[]; total: number }> {
      const where = { type: filter.type, enabled: filter.enabled };
      const [rows, total] = await db.$transaction([
        db.quotaStrategy.findMany({
          where,
          orderBy: { id: 'asc' },
          take: filter.limit,
          skip: filter.offset,
        }),
        db.quotaStrategy.count({ where }),
      ]);
      return { items: rows.map(toStrategy), total };
    },

    async update(id: number, fields: StrategyFields): Promise<Strategy> {
      try {
        return toStrategy(await db.quotaStrategy.update({ where: { id }, data: toData(fields) }));
      } catch (error) {
        if (isRecordNotFound(error)) throw notFound('strategy', id);
        if (isUniqueViolation(error)) throw duplicateName(fields.name);
        throw error;
      }
    },

    async setEnabled(id: number, enabled: boolean): Promise<Strategy> {
      try {
        return toStrategy(await db.quotaStrategy.update({ where: { id }, data: { enabled } }));
      } catch (error) {
        if (isRecordNotFound(error)) throw notFound('strategy', id);
        throw error;
      }
    },

    /** Deletes the strategy and its bookkeeping; its ledger rows stay for audit. */
    async delete(id: number): Promise<void> {
      const [, , deleted] = await db.$transaction([
        db.strategyLease.deleteMany({ where: { strategyId: id } }),
        db.strategyOccurrence.deleteMany({ where: { strategyId: id } }),
        db.quotaStrategy.deleteMany({ where: { id } }),
      ]);
      if (deleted.count === 0) throw notFound('strategy', id);
    },
  };
}

export type StrategyRepository = ReturnType<typeof createStrategyRepository>;
