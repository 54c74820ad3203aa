// StrategyStore over quota_strategy. Translates unique-name violations to 409 and missing rows
// to 404.
import { AppError, notFound } from '../core/errors.ts';
import type { Strategy, StrategyFields } from '../core/model/strategy.ts';
import type { StrategyListFilter, StrategyStore } from '../core/ports/stores.ts';
import { Prisma, type Database } from './client.ts';
import { isRecordNotFound, isUniqueViolation } from './prisma-errors.ts';
import { toStrategy } from './row-mappers.ts';

function toData(fields: StrategyFields) {
  return {
    ...fields,
    amount: new Prisma.Decimal(fields.amount),
    maxAmountPerOccurrence:
      fields.maxAmountPerOccurrence === null
        ? null
        : new Prisma.Decimal(fields.maxAmountPerOccurrence),
  };
}

function duplicateName(name: string): AppError {
  return new AppError('conflict', `a strategy named "${name}" already exists`, [
    { field: 'name', message: 'already in use' },
  ]);
}

export function createStrategyStore({ db }: Database): StrategyStore {
  return {
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
