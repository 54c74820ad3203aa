// StrategyStore over quota_strategy. Translates unique-name violations to 409 and missing rows
// to 404. A change and its audit row and events commit together: on PostgreSQL as one statement
// (strategy-change-sql.ts), elsewhere in an interactive transaction (StrategyWrites below).
import { AppError, notFound, preconditionFailed } from '../core/errors.ts';
import type { AuditDraft } from '../core/model/audit.ts';
import type { Strategy, StrategyFields } from '../core/model/strategy.ts';
import type { StrategyRevision } from '../core/model/strategy-tag.ts';
import { unversionedFields } from '../core/model/strategy-version.ts';
import type { StrategyListFilter, StrategyStore } from '../core/ports/stores.ts';
import { writeAudit } from './audit-store.ts';
import type { Database, DbClient } from './client.ts';
import { isUniqueViolation } from './prisma-errors.ts';
import { toStrategy, toStrategyColumns, type StrategyRow } from './row-mappers.ts';
import {
  strategyChangeSql,
  toStrategyRow,
  type StrategyChange,
  type StrategyColumnValues,
} from './strategy-change-sql.ts';
import { selectStrategyRow } from './strategy-read-sql.ts';

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

/** What an update writes: the fields, and whether they make a new version. */
interface StrategyUpdate {
  values: StrategyColumnValues;
  bumpVersion: boolean;
}

/** updated_at of a conditional change: at least 1 ms after the revision it replaces (see below). */
const nextUpdatedAt = (expected: StrategyRevision, now: Date) =>
  new Date(Math.max(now.getTime(), expected.updatedAt.getTime() + 1));

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
  const updatedAt = nextUpdatedAt(expected, now);
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

/**
 * The writes of the store, each with its audit row and events in the same transaction, and
 * each answering the row as written. `update` with a condition writes only on top of
 * `expected`; a missing row is a 404 (notFound), a row at another revision a 412.
 */
interface StrategyWrites {
  create(values: StrategyColumnValues, audit?: AuditDraft): Promise<StrategyRow>;
  update(
    id: number,
    change: StrategyUpdate,
    audit?: AuditDraft,
    condition?: { expected: StrategyRevision; now: Date },
  ): Promise<StrategyRow>;
  setEnabled(id: number, enabled: boolean, audit?: AuditDraft): Promise<StrategyRow>;
  delete(id: number, audit?: AuditDraft): Promise<void>;
}

/**
 * The row after an unconditional change, or 404. updateMany and a read, where Prisma's update
 * on MySQL first looks the row up (three statements). MySQL counts changed rows, not matched
 * ones (driver.ts), so 0 may also be a row that already held every value: only a count tells.
 */
async function updated(tx: DbClient, id: number, data: StrategyData): Promise<StrategyRow> {
  const { count } = await tx.quotaStrategy.updateMany({ where: { id }, data });
  if (count === 0 && (await tx.quotaStrategy.count({ where: { id } })) === 0)
    throw notFound('strategy', id);
  return tx.quotaStrategy.findUniqueOrThrow({ where: { id } });
}

/** SQLite and MySQL: Prisma's queries in an interactive transaction (neither has data-modifying CTEs). */
function transactionWrites(database: Database): StrategyWrites {
  const { db } = database;
  const prismaData = ({ values, bumpVersion }: StrategyUpdate) =>
    (bumpVersion ? { ...values, ...BUMP } : values) as StrategyData;
  return {
    create: (values, audit) =>
      audited(
        database,
        (tx) => tx.quotaStrategy.create({ data: values as ReturnType<typeof toData> }),
        audit && ((created) => ({ ...audit, targetId: String(created.id) })),
      ),

    async update(id, change, audit, condition) {
      if (condition) return conditionalUpdate(database, id, prismaData(change), condition, audit);
      return audited(database, (tx) => updated(tx, id, prismaData(change)), audit && (() => audit));
    },

    setEnabled: (id, enabled, audit) =>
      audited(database, (tx) => updated(tx, id, { enabled }), audit && (() => audit)),

    async delete(id, audit) {
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

/**
 * PostgreSQL: each write one statement (strategy-change-sql.ts) on the connection itself, a
 * transaction by itself; a deadlock victim is sent again whole (conflict-retry.ts).
 */
function statementWrites(database: Database): StrategyWrites {
  const { db, direct } = database;
  const run = async (change: StrategyChange, audit?: AuditDraft) => {
    const [row] = await direct.query<Record<string, unknown>>(strategyChangeSql(change, audit));
    return row && toStrategyRow(row);
  };
  return {
    async create(values, audit) {
      return (await run({ kind: 'create', values }, audit))!;
    },

    async update(id, { values, bumpVersion }, audit, condition) {
      const updatedAt = condition ? nextUpdatedAt(condition.expected, condition.now) : new Date();
      const row = await run(
        {
          kind: 'update',
          id,
          values: { ...values, updatedAt },
          bumpVersion,
          expected: condition?.expected,
        },
        audit,
      );
      if (row) return row;
      // Nothing written; which answer is read after the statement, as the transaction does.
      if (!condition || (await db.quotaStrategy.count({ where: { id } })) === 0)
        throw notFound('strategy', id);
      throw preconditionFailed('strategy', id);
    },

    async setEnabled(id, enabled, audit) {
      const change: StrategyChange = {
        kind: 'update',
        id,
        values: { enabled, updatedAt: new Date() },
        bumpVersion: false,
      };
      const row = await run(change, audit);
      if (!row) throw notFound('strategy', id);
      return row;
    },

    async delete(id, audit) {
      if (!(await run({ kind: 'delete', id }, audit))) throw notFound('strategy', id);
    },
  };
}

export function createStrategyStore(database: Database): StrategyStore {
  const { db } = database;
  const writes =
    database.kind === 'postgresql' ? statementWrites(database) : transactionWrites(database);
  return {
    async create(fields: StrategyFields, now: Date, audit?: AuditDraft): Promise<Strategy> {
      try {
        const row = await writes.create(
          { ...toData(fields), createdAt: now, updatedAt: now },
          audit,
        );
        return toStrategy(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicateName(fields.name);
        throw error;
      }
    },

    async get(id: number): Promise<Strategy> {
      const row = await selectStrategyRow(database.direct, id);
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
      const values = newVersion ? toData(fields) : unversionedFields(fields);
      try {
        const row = await writes.update(id, { values, bumpVersion: newVersion }, audit, condition);
        return toStrategy(row);
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicateName(fields.name);
        throw error;
      }
    },

    async setEnabled(id: number, enabled: boolean, audit?: AuditDraft): Promise<Strategy> {
      return toStrategy(await writes.setEnabled(id, enabled, audit));
    },

    delete: (id: number, audit?: AuditDraft): Promise<void> => writes.delete(id, audit),
  };
}
