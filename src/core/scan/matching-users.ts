// Streams the users a strategy should grant to for one occurrence, a page at a time:
// the condition is pushed down to SQL, users already in the ledger for the occurrence are
// excluded in SQL (anti-join), and only conditions that need the gateway (quota-le/ge) are
// finished in memory. Memory is bounded by the page size (two pages: one is read ahead) plus
// one id per page (the revisit guard), never by the number of users.
import { evaluate, toDatabaseFilter, type ConditionAst } from '../../condition/index.ts';
import type { Strategy } from '../model/strategy.ts';
import { ScanOrderError, type ChangeRange } from '../ports/scan-store.ts';
import type { RunDeps } from './run-deps.ts';

export interface MatchedPage {
  /** Users for whom the condition is TRUE and who have no grant for the occurrence. */
  matched: string[];
  /** Of those, users left out because max_exec_per_user is reached. */
  capped: string[];
  /** Users the page's query returned (before any in-memory evaluation). */
  read: number;
}

/** What matching needs of the scan's dependencies (previews pass no lease, no pipeline). */
export type MatchingDeps = Pick<
  RunDeps,
  'store' | 'gateway' | 'logger' | 'pageSize' | 'pushDown' | 'interactive'
>;

export async function* matchingUsers(
  strategy: Strategy,
  condition: ConditionAst,
  occurrence: string,
  deps: MatchingDeps,
  /** Keyset cursor: start after this user id (paged previews); null: from the first user. */
  startAfter: string | null = null,
  /** Only users changed in this range (an incremental scan, see scan-plan.ts); null: all. */
  changes: ChangeRange | null = null,
): AsyncGenerator<MatchedPage> {
  const { where, exact } =
    deps.pushDown === false
      ? { where: {}, exact: false }
      : toDatabaseFilter(condition, { timeZone: strategy.timezone });
  // Nothing changed since the last completed scan: no statement to run at all.
  if (changes !== null && changes.after >= changes.upTo) return;
  const quota = quotaLookup(strategy, deps);
  const page = async (afterUserId: string | null, afterChangeSeq?: number) => {
    await deps.interactive?.idle();
    return deps.store.findCandidates({
      strategyId: strategy.id,
      occurrence,
      where,
      afterUserId,
      limit: deps.pageSize,
      withAttributes: !exact,
      ...(changes === null ? {} : { changes, afterChangeSeq }),
    });
  };
  let next = page(startAfter);
  const nextCursor = cursorGuard(strategy.id);
  for (;;) {
    const users = await next;
    if (users.length === 0) return;
    const cursor = nextCursor(users);
    // Read ahead: the next page is looked up while the caller claims and delivers this one.
    // Its users all come after this page's, so this page's claims cannot change its answer.
    next =
      users.length < deps.pageSize
        ? Promise.resolve([])
        : page(cursor, users[users.length - 1]!.changeSeq);
    // If the caller stops early, nobody awaits the read-ahead; its failure must not go unhandled.
    next.catch(() => undefined);

    let matched = users.map((user) => user.id);
    if (!exact) {
      matched = [];
      for (const user of users) {
        if ((await evaluate(condition, user, { timeZone: strategy.timezone, quota })) === 'TRUE')
          matched.push(user.id);
      }
      quota.forget();
    }
    yield { ...(await capByMaxExec(strategy, matched, deps)), read: users.length };
    if (users.length < deps.pageSize) return;
  }
}

/**
 * Quotas read from the gateway for quota-le/quota-ge, remembered for one page. An unknown quota
 * makes the predicate UNKNOWN → not granted now; a later scan sees the user again because no
 * ledger row was written.
 */
function quotaLookup(strategy: Strategy, deps: MatchingDeps) {
  const cache = new Map<string, number | null>();
  const lookup = async (userId: string): Promise<number | null> => {
    if (!cache.has(userId)) {
      try {
        cache.set(userId, await deps.gateway.getQuota(userId));
      } catch (error) {
        deps.logger.warn('quota lookup failed', {
          user_id: userId,
          strategy_id: strategy.id,
          error: error instanceof Error ? error.message : String(error),
        });
        cache.set(userId, null);
      }
    }
    return cache.get(userId) ?? null;
  };
  return Object.assign(lookup, { forget: () => cache.clear() });
}

/** Splits off the users whose counted grants already reach max_exec_per_user. */
async function capByMaxExec(
  strategy: Strategy,
  matched: string[],
  deps: MatchingDeps,
): Promise<Omit<MatchedPage, 'read'>> {
  if (strategy.maxExecPerUser <= 0 || matched.length === 0) return { matched, capped: [] };
  const counts = await deps.store.countCountedEntries(strategy.id, matched);
  const capped = matched.filter((id) => (counts.get(id) ?? 0) >= strategy.maxExecPerUser);
  if (capped.length === 0) return { matched, capped };
  const cappedSet = new Set(capped);
  return { matched: matched.filter((id) => !cappedSet.has(id)), capped };
}

/**
 * The keyset cursor after each page, refusing to go back. The store returns users strictly
 * after the cursor in the database's order, so a cursor seen twice (or a page holding the
 * cursor it was asked after) means the walk went back: fail loudly instead of reading the same
 * pages for ever. Ids cannot be compared here (JavaScript's order is not the database's), only
 * recognised; one id per page is kept.
 */
function cursorGuard(strategyId: number): (page: readonly { id: string }[]) => string {
  const cursors = new Set<string>();
  let cursor: string | null = null;
  return (page) => {
    if (cursor !== null && page.some((user) => user.id === cursor))
      throw new ScanOrderError(
        `strategy ${strategyId}: a page after user id ${JSON.stringify(cursor)} contained it again`,
      );
    cursor = page[page.length - 1]!.id;
    if (cursors.has(cursor))
      throw new ScanOrderError(
        `strategy ${strategyId}: the scan came back to user id ${JSON.stringify(cursor)}`,
      );
    cursors.add(cursor);
    return cursor;
  };
}
