// Prisma implementation of the scanner's ScanStore port. Claims use raw SQL because Prisma's
// createMany cannot report which rows a conflicting insert skipped, and SQLite has no
// skipDuplicates; `INSERT … ON CONFLICT DO NOTHING RETURNING` does both, on both providers.
import type { ConditionUser, UserWhere } from '../condition/index.ts';
import type { Grant, GrantOutcome, GrantStatus, NewGrant } from '../core/ledger.ts';
import { ScanOrderError, type CandidateQuery, type ScanStore } from '../core/scan/ports.ts';
import type { Strategy } from '../core/strategy.ts';
import { candidateSql } from './candidate-sql.ts';
import { databaseKindOf, Prisma, type Db } from './client.ts';
import type { DatabaseKind } from './driver.ts';
import { decimalToNumber, toStrategy } from './strategy-mapper.ts';

/**
 * Most ids bound in one Prisma model query: Prisma refuses one with more bind values than it
 * assumes the database takes (999 for SQLite), and a page holds up to SCAN_PAGE_SIZE (default
 * 1000) ids.
 */
const MAX_IDS_PER_STATEMENT = 500;
/**
 * Most rows per raw statement (a claim binds 8 values per row): well inside SQLite's 32766 and
 * PostgreSQL's 65535 bind values whatever SCAN_PAGE_SIZE is.
 */
const MAX_ROWS_PER_STATEMENT = 1000;
/**
 * Ledger writes are cut smaller than that, with a yield between statements, because each
 * statement's rows are built and its answer read synchronously on the event loop (and SQLite
 * runs the statement itself there too): a 1 000-row claim held the daemon's event loop ~10 ms,
 * and API requests waited behind it (bench/README.md, "API during a scan").
 */
const LEDGER_ROWS_PER_STATEMENT: Record<DatabaseKind, number> = { sqlite: 100, postgresql: 250 };

interface CandidateRow {
  id: string;
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
const SCAN_WINDOW_USERS: Record<DatabaseKind, number> = { sqlite: 2_500, postgresql: 10_000 };

/**
 * The windows: a grid of user ids b1 < b2 < … in which every window (b_i, b_i+1] holds
 * SCAN_WINDOW_USERS users, found by walking the id index and remembered for a while, so the
 * strategies of a scan (and each page, which starts mid-window) share one walk. A remembered
 * grid stays correct when users are added or removed — windows only need to be contiguous ranges
 * covering every id, not to hold exactly SCAN_WINDOW_USERS users — so expiry only keeps their
 * sizes near it.
 *
 * Every comparison of ids is made by the database, never by JavaScript: ids are ordered by the
 * column's collation (linguistic on a PostgreSQL created with en_US, UTF-8 bytes on SQLite),
 * which JavaScript's UTF-16 `<` contradicts for `a…`/`B…` or for full-width letters against
 * emoji; comparing here once sent the cursor backwards into an endless scan (issue 12 A).
 * Bound values are compared as plain text parameters, which take the database's default
 * collation — the id columns declare none, so it is theirs.
 */
class WindowGrid {
  private bounds: string[] = [];
  /** Position of each bound in `bounds`: equal strings are equal ids in every collation we use. */
  private positions = new Map<string, number>();
  /** True once the walk found fewer than a window of users after the last bound. */
  private complete = false;
  private since = 0;

  constructor(
    private readonly db: Db,
    private readonly kind: DatabaseKind | undefined,
    private readonly windowUsers: number,
    private readonly maxAgeMs = 10 * 60_000,
  ) {}

  /** The end of the window that holds the ids just after `after`; null: up to the last user. */
  async endAfter(after: string | null): Promise<string | null> {
    const now = Date.now();
    if (now - this.since > this.maxAgeMs) {
      this.bounds = [];
      this.positions = new Map();
      this.complete = false;
      this.since = now;
    }
    const index = after === null ? 0 : await this.boundsNotAfter(after);
    if (index < this.bounds.length) return this.bounds[index]!;
    // Every remembered bound is at or before `after`: walk on from the last one.
    for (;;) {
      if (this.complete) return null;
      const from = this.bounds.at(-1) ?? null;
      const past =
        after === null ? Prisma.sql`1` : Prisma.sql`CASE WHEN id > ${after} THEN 1 ELSE 0 END`;
      const rows = await this.db.$queryRaw<{ id: string; past: number | bigint }[]>`
        SELECT id, ${past} AS past FROM user_info WHERE ${from === null ? Prisma.sql`1=1` : Prisma.sql`id > ${from}`}
        ORDER BY id LIMIT 1 OFFSET ${this.windowUsers - 1}`;
      const row = rows[0];
      if (row === undefined) {
        this.complete = true;
        continue;
      }
      this.positions.set(row.id, this.bounds.length);
      this.bounds.push(row.id);
      if (Number(row.past) === 1) return row.id;
    }
  }

  /** How many remembered bounds are at or before `after` in the database's order. */
  private async boundsNotAfter(after: string): Promise<number> {
    const known = this.positions.get(after);
    if (known !== undefined) return known + 1;
    if (this.bounds.length === 0) return 0;
    const json = JSON.stringify(this.bounds);
    const values =
      this.kind === 'sqlite'
        ? Prisma.sql`SELECT value AS b FROM json_each(${json})`
        : this.kind === 'postgresql'
          ? Prisma.sql`SELECT json_array_elements_text(${json}::json) AS b`
          : Prisma.join(
              this.bounds.map((b) => Prisma.sql`SELECT ${b} AS b`),
              ' UNION ALL ',
            );
    const rows = await this.db.$queryRaw<{ n: number | bigint }[]>`
      SELECT count(*) AS n FROM (${values}) t WHERE t.b <= ${after}`;
    return Number(rows[0]!.n);
  }
}

/**
 * Ledger rows are written with one JSON parameter per statement, expanded by the database's
 * own JSON functions, rather than with ten bind parameters per row: Prisma prepares every bound
 * value of a raw query one by one, which made a 1 000-row claim cost ~75 ms of the scanner's
 * CPU against ~8 ms this way (bench/README.md). Clients not made by openDatabase (kind unknown)
 * keep the portable multi-row VALUES form.
 */
function claimSql(kind: DatabaseKind | undefined, rows: NewGrant[], now: Date): Prisma.Sql {
  const columns = Prisma.sql`(strategy_id, occurrence, user_id, amount, status, attempts, idempotency_key, catch_up, created_at, updated_at)`;
  const conflict = Prisma.sql`ON CONFLICT (strategy_id, occurrence, user_id) DO NOTHING RETURNING id, user_id`;
  if (kind === undefined) {
    const values = rows.map(
      (r) =>
        Prisma.sql`(${r.strategyId}, ${r.occurrence}, ${r.userId}, ${new Prisma.Decimal(r.amount)}, 'pending', 0, ${r.idempotencyKey}, ${r.catchUp}, ${now}, ${now})`,
    );
    return Prisma.sql`INSERT INTO quota_execute ${columns} VALUES ${Prisma.join(values)} ${conflict}`;
  }
  const json = JSON.stringify(
    rows.map((r) => [r.strategyId, r.occurrence, r.userId, r.amount, r.idempotencyKey, r.catchUp]),
  );
  if (kind === 'sqlite') {
    // `WHERE true` keeps SQLite from reading ON CONFLICT as a join constraint.
    return Prisma.sql`INSERT INTO quota_execute ${columns}
      SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, 'pending', 0, j.value ->> 4, j.value ->> 5, ${now}, ${now}
      FROM json_each(${json}) j WHERE true ${conflict}`;
  }
  return Prisma.sql`INSERT INTO quota_execute ${columns}
    SELECT (j.value ->> 0)::int, j.value ->> 1, j.value ->> 2, (j.value ->> 3)::numeric, 'pending', 0, j.value ->> 4,
      (j.value ->> 5)::boolean, ${now}::timestamp(3), ${now}::timestamp(3)
    FROM json_array_elements(${json}::json) AS j(value) ${conflict}`;
}

/** A list of ledger ids for `id IN (…)`: one JSON parameter when the dialect is known. */
function idListSql(kind: DatabaseKind | undefined, ids: number[]): Prisma.Sql {
  if (kind === 'sqlite') return Prisma.sql`SELECT value FROM json_each(${JSON.stringify(ids)})`;
  if (kind === 'postgresql')
    return Prisma.sql`SELECT json_array_elements_text(${JSON.stringify(ids)}::json)::int`;
  return Prisma.join(ids);
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Statuses that count towards max_exec_per_user: granted, or possibly granted. */
const COUNTED_STATUSES: GrantStatus[] = ['applied', 'pending', 'unknown'];

export interface ScanStoreOptions {
  /** Users per candidate window (default SCAN_WINDOW_USERS); tests use small ones. */
  windowUsers?: number;
}

export function createScanStore(db: Db, options: ScanStoreOptions = {}): ScanStore {
  const kind = databaseKindOf(db);
  const windows = new WindowGrid(
    db,
    kind,
    options.windowUsers ?? SCAN_WINDOW_USERS[kind ?? 'postgresql'],
  );
  const rowsPerStatement =
    kind === undefined ? MAX_ROWS_PER_STATEMENT : LEDGER_ROWS_PER_STATEMENT[kind];
  /** Between two statements of one call: let I/O callbacks (API requests among them) run. */
  const breathe = (index: number) => (index > 0 ? yieldToEventLoop() : undefined);
  return {
    async listEnabledStrategies(): Promise<Strategy[]> {
      const rows = await db.quotaStrategy.findMany({
        where: { enabled: true },
        orderBy: { id: 'asc' },
      });
      return rows.map(toStrategy);
    },

    async findCandidates(query: CandidateQuery): Promise<ConditionUser[]> {
      // The first `limit` candidates after the cursor, found window by window (see SCAN_WINDOW_USERS).
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
        const found = await db.$queryRaw<CandidateRow[]>(
          candidateSql({
            ...query,
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
      if (!query.withAttributes) {
        return rows.map((row) => ({
          id: row.id,
          vip: 0,
          org: null,
          registerTime: null,
          accessTime: null,
          githubStars: [],
        }));
      }
      const stars = new Map<string, string[]>(rows.map((row) => [row.id, []]));
      for (const ids of chunks(
        rows.map((row) => row.id),
        MAX_ROWS_PER_STATEMENT,
      )) {
        const starred = await db.$queryRaw<{ user_id: string; repo: string }[]>`
          SELECT user_id, repo FROM user_github_star WHERE user_id IN (${Prisma.join(ids)})`;
        for (const star of starred) stars.get(star.user_id)!.push(star.repo);
      }
      return rows.map((row) => ({
        id: row.id,
        vip: Number(row.vip),
        org: row.org,
        registerTime: row.register_time,
        accessTime: row.access_time,
        githubStars: stars.get(row.id)!,
      }));
    },

    async countCountedGrants(strategyId: number, userIds: string[]): Promise<Map<string, number>> {
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

    async claimGrants(rows: NewGrant[]): Promise<Grant[]> {
      if (rows.length === 0) return [];
      const now = new Date();
      const inserted: { id: number | bigint; user_id: string }[] = [];
      for (const [index, chunk] of chunks(rows, rowsPerStatement).entries()) {
        await breathe(index);
        inserted.push(
          ...(await db.$queryRaw<{ id: number | bigint; user_id: string }[]>(
            claimSql(kind, chunk, now),
          )),
        );
      }
      const byUser = new Map(rows.map((r) => [r.userId, r]));
      return inserted.map((row) => {
        const source = byUser.get(row.user_id)!;
        return { ...source, id: Number(row.id), attempts: 0 };
      });
    },

    async releaseClaims(strategyId, holder, ids, nowMs): Promise<number> {
      let released = 0;
      for (const chunk of chunks(ids, MAX_IDS_PER_STATEMENT)) {
        // The lease check is in the statement itself: a process whose lease lapsed unnoticed
        // must not delete rows the new holder may be settling.
        released += await db.$executeRaw`
          DELETE FROM quota_execute
          WHERE id IN (${idListSql(kind, chunk)}) AND strategy_id = ${strategyId} AND status = 'pending' AND attempts = 0
            AND EXISTS (SELECT 1 FROM strategy_lease l WHERE l.strategy_id = ${strategyId} AND l.holder = ${holder} AND l.expires_at > ${BigInt(nowMs)})`;
      }
      return released;
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
      // Successes are the common case: few statements for the whole page. Each row's outcome
      // stands on its own, so the statements need not share a transaction: a crash between
      // two leaves the rest `pending`, which the next run settles like any interrupted page.
      for (const [index, ids] of chunks(
        applied,
        kind === undefined ? MAX_IDS_PER_STATEMENT : rowsPerStatement,
      ).entries()) {
        await breathe(index);
        await db.$executeRaw`
          UPDATE quota_execute SET status = 'applied', last_error = NULL, attempts = attempts + 1, updated_at = ${now}
          WHERE id IN (${idListSql(kind, ids)})`;
      }
      if (others.length > 0) {
        await db.$transaction(
          others.map((o) =>
            db.quotaExecute.update({
              where: { id: o.id },
              data: {
                status: o.status,
                lastError: o.lastError,
                attempts: { increment: 1 },
                updatedAt: now,
              },
            }),
          ),
        );
      }
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
      const row = await db.strategyOccurrence.findUnique({
        where: { strategyId_occurrence: { strategyId, occurrence } },
      });
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

    async countUnsettled(strategyId, occurrence): Promise<number> {
      return db.quotaExecute.count({
        where: { strategyId, occurrence, status: { in: ['pending', 'failed'] } },
      });
    },
  };
}

export type { UserWhere };
