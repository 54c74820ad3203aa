// Prisma implementation of the scanner's ScanStore port. Claims use raw SQL because Prisma's
// createMany cannot report which rows a conflicting insert skipped, and SQLite has no
// skipDuplicates; `INSERT … ON CONFLICT DO NOTHING RETURNING` does both on SQLite and
// PostgreSQL, and mysql-claim.ts does it on MySQL, which has no RETURNING.
import type {
  ClaimedEntry,
  LedgerFence,
  LedgerStatus,
  NewLedgerEntry,
} from '../core/model/ledger-entry.ts';
import type { Strategy } from '../core/model/strategy.ts';
import {
  ScanOrderError,
  type Candidate,
  type CandidateQuery,
  type ChangeRange,
  type ScanStore,
} from '../core/ports/scan-store.ts';
import { candidateSql } from './candidate-sql.ts';
import { currentChangeSequence, readScanPosition, writeScanPosition } from './change-sequence.ts';
import { claimSql } from './ledger-sql.ts';
import { createLedgerWrites } from './ledger-writes.ts';
import { leaseStatements } from './lease-sql.ts';
import { userLedgerStates, usersWithDeltasInFlight } from './user-ledger-states.ts';
import { claimOnMysql, type ClaimedRow } from './mysql-claim.ts';
import { WindowGrid } from './window-grid.ts';
import { Prisma, type Database } from './client.ts';
import type { DatabaseKind } from '../config/database-url.ts';
import { occurrenceBookkeeping } from './occurrence-bookkeeping.ts';
import { selectStrategyRow } from './strategy-read-sql.ts';
import { decimalToNumber, toGrantMode, toLedgerStatus, toStrategy } from './row-mappers.ts';

/**
 * Most ids bound in one Prisma model query: Prisma refuses one with more bind values than it
 * assumes the database takes (999 for SQLite), and a page holds up to SCAN_PAGE_SIZE (default
 * 1000) ids.
 */
const MAX_IDS_PER_STATEMENT = 500;
/** Most user ids per star lookup: well inside SQLite's 32766 and PostgreSQL's 65535 bind values. */
const MAX_ROWS_PER_STATEMENT = 1000;
/**
 * Ledger writes are cut smaller than that, with a yield between statements, because each
 * statement's rows are built and its answer read synchronously on the event loop (and SQLite
 * runs the statement itself there too): a 1 000-row claim held the daemon's event loop ~10 ms,
 * and API requests waited behind it (bench/README.md, "API during a scan").
 */
const LEDGER_ROWS_PER_STATEMENT: Record<DatabaseKind, number> = {
  sqlite: 100,
  postgresql: 250,
  mysql: 250,
};

interface CandidateRow {
  id: string;
  change_seq?: number | bigint;
  vip: number | bigint;
  org: string | null;
  register_time: Date | null;
  access_time: Date | null;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The candidate query reads user_info in windows of this many users (in id order), each window
 * one short statement. A single `… ORDER BY id LIMIT n` would be one statement too, but when
 * the ledger already excludes every match (a scan with nothing new to grant) it reads the whole
 * table before returning nothing: seconds of blocking on a million users, during which SQLite
 * (synchronous) answers no API request. A window bounds every statement to a few milliseconds
 * and gives the planner a range it can estimate. SQLite's windows are smaller because its
 * statements run on the event loop (2 500 users: ~3 ms); PostgreSQL's run elsewhere, and there
 * fewer round trips matter more (1M users nothing-new: 4.1 s with 10 000, 6.4 s with 2 500).
 * See bench/README.md for the measurements.
 */
const SCAN_WINDOW_USERS: Record<DatabaseKind, number> = {
  sqlite: 2_500,
  postgresql: 10_000,
  mysql: 10_000,
};

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Statuses that count towards max_exec_per_user: granted, or possibly granted. */
const COUNTED_STATUSES: LedgerStatus[] = ['applied', 'pending', 'sending', 'unknown'];

export interface ScanStoreOptions {
  /** Users per candidate window (default SCAN_WINDOW_USERS); tests use small ones. */
  windowUsers?: number;
}

export function createScanStore(database: Database, options: ScanStoreOptions = {}): ScanStore {
  const { db, kind, direct } = database;
  const windows = new WindowGrid(direct, kind, options.windowUsers ?? SCAN_WINDOW_USERS[kind]);
  const rowsPerStatement = LEDGER_ROWS_PER_STATEMENT[kind];
  /** Between two statements of one call: let I/O callbacks (API requests among them) run. */
  const breathe = (index: number) => (index > 0 ? yieldToEventLoop() : undefined);
  /**
   * An incremental page: one statement over user_info_change_idx. Its size is bounded by the
   * users changed since the strategy's last scan, so no id window is needed.
   */
  const changedCandidates = (query: CandidateQuery, changes: ChangeRange) =>
    direct.query<CandidateRow>(
      candidateSql({
        ...query,
        upToUserId: null,
        changes: { ...changes, afterChangeSeq: query.afterChangeSeq ?? null },
        dialect: kind,
      }),
    );
  /** The first `limit` candidates after the cursor, found window by window (see SCAN_WINDOW_USERS). */
  const windowedCandidates = async (query: CandidateQuery): Promise<CandidateRow[]> => {
    const rows: CandidateRow[] = [];
    let after = query.afterUserId;
    const windowEnds = new Set<string>();
    for (;;) {
      const upTo = await windows.endAfter(after);
      // Each window starts where the last one ended, so an end seen twice means the walk
      // turned back: fail loudly rather than read the same users again and again.
      if (upTo !== null && (windowEnds.has(upTo) || upTo === after))
        throw new ScanOrderError(
          `candidate windows of strategy ${query.strategyId} went back to user id ${JSON.stringify(upTo)}`,
        );
      if (upTo !== null) windowEnds.add(upTo);
      const remaining = query.limit - rows.length;
      const found = await direct.query<CandidateRow>(
        candidateSql({
          ...query,
          changes: undefined,
          afterUserId: after,
          upToUserId: upTo,
          limit: remaining,
          dialect: kind,
        }),
      );
      rows.push(...found);
      if (found.length === remaining || upTo === null) break;
      after = upTo;
      // Let gateway answers and API requests in between: each window is one synchronous step on SQLite.
      await yieldToEventLoop();
    }
    return rows;
  };
  return {
    ...leaseStatements(db, kind),
    userLedgerStates: (userIds, excludingIds) => userLedgerStates(direct, userIds, excludingIds),
    usersWithDeltasInFlight: (userIds, excludingIds) =>
      usersWithDeltasInFlight(direct, userIds, excludingIds),
    ...createLedgerWrites(database, rowsPerStatement),
    ...occurrenceBookkeeping(db),
    async listEnabledStrategies(): Promise<Strategy[]> {
      const rows = await db.quotaStrategy.findMany({
        where: { enabled: true },
        orderBy: { id: 'asc' },
      });
      return rows.map(toStrategy);
    },

    async currentStrategy(id: number): Promise<Strategy | null> {
      const row = await selectStrategyRow(direct, id, { enabledOnly: true });
      return row === null ? null : toStrategy(row);
    },

    async findCandidates(query: CandidateQuery): Promise<Candidate[]> {
      const rows = query.changes
        ? await changedCandidates(query, query.changes)
        : await windowedCandidates(query);
      const changeSeqOf = (row: CandidateRow) =>
        row.change_seq === undefined ? {} : { changeSeq: Number(row.change_seq) };
      if (!query.withAttributes) {
        return rows.map((row) => ({
          id: row.id,
          vip: 0,
          org: null,
          registerTime: null,
          accessTime: null,
          githubStars: [],
          ...changeSeqOf(row),
        }));
      }
      const stars = new Map<string, string[]>(rows.map((row) => [row.id, []]));
      for (const ids of chunks(
        rows.map((row) => row.id),
        MAX_ROWS_PER_STATEMENT,
      )) {
        const starred = await direct.query<{ user_id: string; repo: string }>(
          Prisma.sql`SELECT user_id, repo FROM user_github_star WHERE user_id IN (${Prisma.join(ids)})`,
        );
        for (const star of starred) stars.get(star.user_id)!.push(star.repo);
      }
      return rows.map((row) => ({
        id: row.id,
        vip: Number(row.vip),
        org: row.org,
        registerTime: row.register_time,
        accessTime: row.access_time,
        githubStars: stars.get(row.id)!,
        ...changeSeqOf(row),
      }));
    },

    changeSequence: () => currentChangeSequence(db),
    scanPosition: (strategyId) => readScanPosition(db, strategyId),
    saveScanPosition: (strategyId, position) => writeScanPosition(db, strategyId, position),

    async countCountedEntries(strategyId: number, userIds: string[]): Promise<Map<string, number>> {
      const counts = new Map<string, number>();
      for (const ids of chunks(userIds, MAX_IDS_PER_STATEMENT)) {
        const groups = await db.quotaExecute.groupBy({
          by: ['userId'],
          where: { strategyId, userId: { in: ids }, status: { in: COUNTED_STATUSES } },
          _count: { _all: true },
        });
        for (const g of groups) counts.set(g.userId, g._count._all);
      }
      return counts;
    },

    async claimEntries(rows: NewLedgerEntry[], fence: LedgerFence): Promise<ClaimedEntry[]> {
      if (rows.length === 0) return [];
      const now = new Date();
      const inserted: ClaimedRow[] = [];
      for (const [index, chunk] of chunks(rows, rowsPerStatement).entries()) {
        await breathe(index);
        inserted.push(
          ...(kind === 'mysql'
            ? await claimOnMysql(db, chunk, now, fence)
            : await direct.query<ClaimedRow>(claimSql(kind, chunk, now, fence))),
        );
      }
      // By the whole key: one claim can hold several rows of one user (a user's lots expiring
      // together are rows of the expiry ledger with one occurrence per lot).
      const keyOf = (occurrence: string, userId: string) => `${occurrence}\u0000${userId}`;
      const byKey = new Map(rows.map((r) => [keyOf(r.occurrence, r.userId), r]));
      return inserted.map((row) => {
        const source = byKey.get(keyOf(row.occurrence, row.user_id))!;
        return {
          ...source,
          id: Number(row.id),
          attempts: 0,
          status: 'pending' as const,
          leaseToken: fence.token,
        };
      });
    },

    async findEntries(strategyId, statuses, options): Promise<ClaimedEntry[]> {
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
        totalBefore: row.totalBefore === null ? null : decimalToNumber(row.totalBefore),
        mode: toGrantMode(row.mode),
        status: toLedgerStatus(row.status),
        leaseToken: row.leaseToken === null ? null : Number(row.leaseToken),
        settleAfter: row.settleAfter === null ? null : Number(row.settleAfter),
        reconcileBasis: row.reconcileBasis,
        deltaSent: row.deltaSent === null ? null : decimalToNumber(row.deltaSent),
      }));
    },

    async hasRowsToSettle(strategyId, maxAttempts): Promise<boolean> {
      const row = await db.quotaExecute.findFirst({
        where: {
          strategyId,
          OR: [
            { status: { in: ['sending', 'pending'] } },
            { status: 'failed', attempts: { lt: maxAttempts } },
          ],
        },
        select: { id: true },
      });
      return row !== null;
    },

    async countUnsettled(strategyId, occurrence): Promise<number> {
      return db.quotaExecute.count({
        where: { strategyId, occurrence, status: { in: ['pending', 'sending', 'failed'] } },
      });
    },
  };
}
