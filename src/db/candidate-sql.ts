// The scanner's candidate query — "users matching the condition who have no ledger row for the
// occurrence, after this id, in id order" — written as SQL by hand instead of through Prisma's
// `findMany`, because this one query decides how a scan of a million users performs:
// - a starred-repository filter becomes `u.id IN (SELECT user_id FROM user_github_star WHERE
//   repo IN …)`, which both databases can drive from the (repo, user_id) index; Prisma writes a
//   correlated EXISTS, which SQLite can only check user by user;
// - the ledger exclusion is a NOT EXISTS on the ledger's unique (strategy, occurrence, user) key;
// - no query compiler runs per page.
// The input is the closed `UserWhere` subset that toDatabaseFilter produces; unknown keys throw
// instead of being ignored (ignoring one would widen or narrow who gets granted). Semantics are
// SQL's own three-valued logic, which is what toDatabaseFilter relies on (NULL compares UNKNOWN
// and is never selected). test/db/candidate-sql.test.ts checks the result against evaluate().
import type { UserWhere } from '../condition/index.ts';
import { Prisma } from './client.ts';
import type { DatabaseKind } from '../config/database-url.ts';

const TRUE = Prisma.sql`1=1`;
const FALSE = Prisma.sql`1=0`;

export class UnsupportedFilterError extends Error {
  readonly code = 'internal';
}

function only(value: object, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key))
      throw new UnsupportedFilterError(`candidate query: unsupported filter ${where}.${key}`);
  }
}

function allOf(parts: Prisma.Sql[]): Prisma.Sql {
  if (parts.length === 0) return TRUE;
  return parts.length === 1 ? parts[0]! : Prisma.sql`(${Prisma.join(parts, ' AND ')})`;
}

function anyOf(parts: Prisma.Sql[]): Prisma.Sql {
  if (parts.length === 0) return FALSE;
  return parts.length === 1 ? parts[0]! : Prisma.sql`(${Prisma.join(parts, ' OR ')})`;
}

/** `column IN (…)` / `NOT IN (…)`; an empty list selects nothing / everything, as in Prisma. */
function inList(column: Prisma.Sql, values: readonly string[], negated: boolean): Prisma.Sql {
  if (values.length === 0) return negated ? TRUE : FALSE;
  return negated
    ? Prisma.sql`${column} NOT IN (${Prisma.join(values)})`
    : Prisma.sql`${column} IN (${Prisma.join(values)})`;
}

function listFilter(
  column: Prisma.Sql,
  filter: { in?: string[]; notIn?: string[]; not?: null },
  name: string,
): Prisma.Sql[] {
  only(filter, ['in', 'notIn', 'not'], name);
  const parts: Prisma.Sql[] = [];
  if ('not' in filter) {
    if (filter.not !== null)
      throw new UnsupportedFilterError(`candidate query: unsupported filter ${name}.not`);
    parts.push(Prisma.sql`${column} IS NOT NULL`);
  }
  if (filter.in) parts.push(inList(column, filter.in, false));
  if (filter.notIn) parts.push(inList(column, filter.notIn, true));
  return parts;
}

const COMPARISONS = { lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;

function comparisons(
  column: Prisma.Sql,
  filter: Partial<Record<keyof typeof COMPARISONS, number | Date>>,
  name: string,
): Prisma.Sql[] {
  only(filter, Object.keys(COMPARISONS), name);
  const parts: Prisma.Sql[] = [];
  for (const [key, operator] of Object.entries(COMPARISONS) as [
    keyof typeof COMPARISONS,
    string,
  ][]) {
    const value = filter[key];
    if (value !== undefined) parts.push(Prisma.sql`${column} ${Prisma.raw(operator)} ${value}`);
  }
  return parts;
}

const WHERE_KEYS = [
  'AND',
  'OR',
  'id',
  'vip',
  'org',
  'registerTime',
  'accessTime',
  'stars',
] as const;

/** A range of user ids: (after, upTo]; null ends are open. */
export interface IdWindow {
  after: string | null;
  upTo: string | null;
}

const ALL_IDS: IdWindow = { after: null, upTo: null };

function windowSql(column: Prisma.Sql, window: IdWindow): Prisma.Sql[] {
  const parts: Prisma.Sql[] = [];
  if (window.after !== null) parts.push(Prisma.sql`${column} > ${window.after}`);
  if (window.upTo !== null) parts.push(Prisma.sql`${column} <= ${window.upTo}`);
  return parts;
}

/**
 * A boolean SQL expression over `user_info u` that is TRUE exactly where `where` selects, for
 * users inside `window`. The window is repeated inside the starred-repository subqueries, so
 * each reads only its slice of the (repo, user_id) index instead of every star of the repo.
 */
export function userWhereSql(where: UserWhere, window: IdWindow = ALL_IDS): Prisma.Sql {
  only(where, WHERE_KEYS, 'where');
  const parts: Prisma.Sql[] = [];
  if (where.AND) parts.push(allOf(where.AND.map((w) => userWhereSql(w, window))));
  if (where.OR) parts.push(anyOf(where.OR.map((w) => userWhereSql(w, window))));
  if (where.id) parts.push(...listFilter(Prisma.sql`u.id`, where.id, 'id'));
  if (where.vip) parts.push(...comparisons(Prisma.sql`u.vip`, where.vip, 'vip'));
  if (where.org) parts.push(...listFilter(Prisma.sql`u.org`, where.org, 'org'));
  if (where.registerTime)
    parts.push(...comparisons(Prisma.sql`u.register_time`, where.registerTime, 'registerTime'));
  if (where.accessTime)
    parts.push(...comparisons(Prisma.sql`u.access_time`, where.accessTime, 'accessTime'));
  if (where.stars) {
    only(where.stars, ['some', 'none'], 'stars');
    for (const key of ['some', 'none'] as const) {
      const relation = where.stars[key];
      if (!relation) continue;
      only(relation, ['repo'], `stars.${key}`);
      only(relation.repo, ['in'], `stars.${key}.repo`);
      const repos = relation.repo.in;
      // user_id is NOT NULL, so NOT IN over the subquery is a plain anti-join.
      if (repos.length === 0) parts.push(key === 'some' ? FALSE : TRUE);
      else {
        const starred = Prisma.sql`SELECT s.user_id FROM user_github_star s WHERE ${allOf([
          Prisma.sql`s.repo IN (${Prisma.join(repos)})`,
          ...windowSql(Prisma.sql`s.user_id`, window),
        ])}`;
        parts.push(
          key === 'some' ? Prisma.sql`u.id IN (${starred})` : Prisma.sql`u.id NOT IN (${starred})`,
        );
      }
    }
  }
  return allOf(parts);
}

export interface CandidateSqlOptions {
  where: UserWhere;
  strategyId: number;
  occurrence: string;
  afterUserId: string | null;
  /** Upper end of the id window (inclusive); null: to the last user. */
  upToUserId: string | null;
  limit: number;
  /** Also select the attributes a condition is evaluated on (stars come separately). */
  withAttributes: boolean;
  /**
   * An incremental scan: only users with change_seq in (after, upTo], in (change_seq, id)
   * order, after the cursor (afterChangeSeq, afterUserId). The id window is not used then.
   */
  changes?: { after: number; upTo: number; afterChangeSeq: number | null };
  /**
   * Planner hints for a known database; without one the query is plain portable SQL.
   * - SQLite: read the window through user_info_scan_idx. With ANALYZE's samples (STAT4) SQLite
   *   sometimes estimates a window as cheaper through the id-only primary key index, and then
   *   looks every user of the window up in the table: ~15x slower per window, measured.
   * - PostgreSQL: `OFFSET 0` keeps the ledger check a per-candidate index probe. Unfenced, the
   *   planner often turns it into a hash anti-join that reads every ledger row of the strategy
   *   for each window (a few hundred candidates against up to hundreds of thousands of rows).
   * - MySQL: no hint; its NOT EXISTS probes the ledger's unique key per candidate.
   */
  dialect: DatabaseKind;
}

/**
 * The range and cursor of an incremental scan over user_info_change_idx (change_seq, id). The
 * cursor is spelt with a leading `change_seq >=` so every database reads it as an index range
 * (row-value comparisons are not a range on all of them). The upper end makes the set fixed for
 * the scan: a user written during it gets a larger value and is left to the next scan, so no
 * user is read twice and the cursor only moves forwards.
 */
function changesSql(
  changes: NonNullable<CandidateSqlOptions['changes']>,
  afterUserId: string | null,
) {
  const parts = [
    Prisma.sql`u.change_seq > ${changes.after}`,
    Prisma.sql`u.change_seq <= ${changes.upTo}`,
  ];
  if (changes.afterChangeSeq !== null && afterUserId !== null) {
    const seq = changes.afterChangeSeq;
    parts.push(
      Prisma.sql`u.change_seq >= ${seq}`,
      Prisma.sql`(u.change_seq > ${seq} OR u.id > ${afterUserId})`,
    );
  }
  return parts;
}

export function candidateSql(options: CandidateSqlOptions): Prisma.Sql {
  const { changes } = options;
  const columns = options.withAttributes
    ? Prisma.sql`u.id, u.vip, u.org, u.register_time, u.access_time`
    : Prisma.sql`u.id`;
  const window: IdWindow = changes
    ? ALL_IDS
    : { after: options.afterUserId, upTo: options.upToUserId };
  const range = changes
    ? changesSql(changes, options.afterUserId)
    : windowSql(Prisma.sql`u.id`, window);
  const index = changes ? 'user_info_change_idx' : 'user_info_scan_idx';
  return Prisma.sql`
    SELECT ${columns}${changes ? Prisma.sql`, u.change_seq` : Prisma.empty} FROM user_info u${options.dialect === 'sqlite' ? Prisma.raw(` INDEXED BY ${index}`) : Prisma.empty}
    WHERE ${allOf([...range, userWhereSql(options.where, window)])}
      AND NOT EXISTS (
        SELECT 1 FROM quota_execute e
        WHERE e.strategy_id = ${options.strategyId} AND e.occurrence = ${options.occurrence} AND e.user_id = u.id
        ${options.dialect === 'postgresql' ? Prisma.raw('OFFSET 0') : Prisma.empty})
    ORDER BY ${changes ? Prisma.sql`u.change_seq, u.id` : Prisma.sql`u.id`}
    LIMIT ${options.limit}`;
}
