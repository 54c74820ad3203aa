// StrategyStore over quota_strategy. Translates unique-name violations to 409 and missing rows
// to 404.
import { AppError, notFound, preconditionFailed } from '../core/errors.ts';
import type { AuditDraft } from '../core/model/audit.ts';
import type { Strategy, StrategyFields } from '../core/model/strategy.ts';
import type { StrategyRevision } from '../core/model/strategy-tag.ts';
import { unversionedFields } from '../core/model/strategy-version.ts';
import type { StrategyListFilter, StrategyStore } from '../core/ports/stores.ts';
import { writeAudit } from './audit-store.ts';
import type { Database, DbClient } from './client.ts';
import { isRecordNotFound, isUniqueViolation } from './prisma-errors.ts';
import { toStrategy, toStrategyColumns } from './row-mappers.ts';

// Prisma's input type names every column; the mapper's record is the same columns by the table.
const toData = (fields: StrategyFields) =>
  toStrategyColumns(fields) as Omit<
    Parameters<DbClient['quotaStrategy']['create']>[0]['data'],
    'createdAt' | 'updatedAt'
  >;

function duplicateName(name: string): AppError {
  return new AppError('conflict', `a strategy named "${name}" already exists`, [
    { field: 'name', message: 'already in use' },
  ]);
}

/**
 * A new definition is one increment (a scan in flight compares versions at each page). Only a
 * change the core calls a new version makes one (core/model/strategy-version.ts): not a title,
 * a name, or enabling and disabling.
 */
const BUMP = { version: { increment: 1 } } as const;

/** Runs a change and writes its audit row in the same transaction. */
async function audited<T>(
  { db }: Database,
  change: (tx: DbClient) => Promise<T>,
  audit: ((result: T) => AuditDraft) | undefined,
): Promise<T> {
  if (!audit) return change(db);
  return db.$transaction(async (tx) => {
    const result = await change(tx);
    await writeAudit(tx, audit(result));
    return result;
  });
}

type StrategyData = Parameters<DbClient['quotaStrategy']['updateMany']>[0]['data'];

/**
 * A change only if the row is still at `expected` (If-Match). The comparison is the UPDATE's own
 * WHERE, so of two concurrent changes expecting the same state exactly one matches: PostgreSQL
 * re-reads the row the first one committed, MySQL's UPDATE reads the latest row under its lock,
 * SQLite has one writer. updated_at moves by at least 1 ms, so a change that keeps the version
 * still changes the tag (and the row always differs, so MySQL, which counts changed rows rather
 * than matched ones, reports 1 even for a change that sends every field's current value).
 */
async function conditionalUpdate(
  { db }: Database,
  id: number,
  data: StrategyData,
  { expected, now }: { expected: StrategyRevision; now: Date },
  audit: AuditDraft | undefined,
) {
  const updatedAt = new Date(Math.max(now.getTime(), expected.updatedAt.getTime() + 1));
  return db.$transaction(async (tx) => {
    const where = { id, version: expected.version, updatedAt: expected.updatedAt };
    const changed = await tx.quotaStrategy.updateMany({ where, data: { ...data, updatedAt } });
    if (changed.count === 0) {
      // Thrown inside the transaction: nothing is written. Missing stays 404, as without If-Match.
      if ((await tx.quotaStrategy.count({ where: { id } })) === 0) throw notFound('strategy', id);
      throw preconditionFailed('strategy', id);
    }
    if (audit) await writeAudit(tx, audit);
    return tx.quotaStrategy.findUniqueOrThrow({ where: { id } });
  });
}

export function createStrategyStore(database: Database): StrategyStore {
  const { db } = database;
  return {
    async create(fields: StrategyFields, now: Date, audit?: AuditDraft): Promise<Strategy> {
      try {
        const row = await audited(
          database,
          (tx) =>
            tx.quotaStrategy.create({
              data: { ...toData(fields), createdAt: now, updatedAt: now },
            }),
          audit && ((created) => ({ ...audit, targetId: String(created.id) })),
        );
        return toStrategy(row);
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

    // Keyset by id when `afterId` is given (each page one index range scan, stable under inserts
    // and deletes); the deprecated offset otherwise.
    async list(filter: StrategyListFilter): Promise<{ items: Strategy[]; total: number }> {
      const where = { type: filter.type, enabled: filter.enabled };
      const keyset = filter.afterId !== undefined;
      const [rows, total] = await db.$transaction([
        db.quotaStrategy.findMany({
          where: keyset ? { ...where, id: { gt: filter.afterId } } : where,
          orderBy: { id: 'asc' },
          take: filter.limit,
          skip: keyset ? undefined : filter.offset,
        }),
        db.quotaStrategy.count({ where }),
      ]);
      return { items: rows.map(toStrategy), total };
    },

    async update(
      id: number,
      fields: StrategyFields,
      newVersion: boolean,
      audit?: AuditDraft,
      condition?: { expected: StrategyRevision; now: Date },
    ): Promise<Strategy> {
      const data = newVersion ? { ...toData(fields), ...BUMP } : unversionedFields(fields);
      try {
        const row = condition
          ? await conditionalUpdate(database, id, data, condition, audit)
          : await audited(
              database,
              (tx) => tx.quotaStrategy.update({ where: { id }, data }),
              audit && (() => audit),
            );
        return toStrategy(row);
      } catch (error) {
        if (isRecordNotFound(error)) throw notFound('strategy', id);
        if (isUniqueViolation(error)) throw duplicateName(fields.name);
        throw error;
      }
    },

    async setEnabled(id: number, enabled: boolean, audit?: AuditDraft): Promise<Strategy> {
      try {
        const row = await audited(
          database,
          (tx) => tx.quotaStrategy.update({ where: { id }, data: { enabled } }),
          audit && (() => audit),
        );
        return toStrategy(row);
      } catch (error) {
        if (isRecordNotFound(error)) throw notFound('strategy', id);
        throw error;
      }
    },

    async delete(id: number, audit?: AuditDraft): Promise<void> {
      await db.$transaction(async (tx) => {
        await tx.strategyLease.deleteMany({ where: { strategyId: id } });
        await tx.strategyOccurrence.deleteMany({ where: { strategyId: id } });
        await tx.strategyScanPosition.deleteMany({ where: { strategyId: id } });
        const deleted = await tx.quotaStrategy.deleteMany({ where: { id } });
        // Thrown inside the transaction: nothing is deleted and no audit row is written.
        if (deleted.count === 0) throw notFound('strategy', id);
        if (audit) await writeAudit(tx, audit);
      });
    },
  };
}
