// Streams the users a strategy should grant to for one occurrence, a page at a time:
// the condition is pushed down to SQL, users already in the ledger for the occurrence are
// excluded in SQL (anti-join), and only conditions that need the gateway (quota-le/ge) are
// finished in memory. Memory is bounded by the page size (two pages: one is read ahead) plus
// one id per page (the revisit guard), never by the number of users.
import { evaluate, toDatabaseFilter, type ConditionAst } from '../../condition/index.ts';
import type { Strategy } from '../strategy.ts';
import {
  ScanOrderError,
  type GrantGateway,
  type InteractiveWork,
  type ScanLogger,
  type ScanStore,
} from './ports.ts';

export interface MatchedPage {
  /** Users for whom the condition is TRUE and who have no grant for the occurrence. */
  matched: string[];
  /** Of those, users left out because max_exec_per_user is reached. */
  capped: string[];
}

export interface MatchingDeps {
  store: ScanStore;
  gateway: GrantGateway;
  logger: ScanLogger;
  pageSize: number;
  /**
   * false evaluates the whole condition in memory on every user instead of letting SQL filter
   * (the store is then asked for every user without a grant). Only the benchmarks turn it off,
   * to measure what push-down saves; the answer is the same either way.
   */
  pushDown?: boolean;
  /** Its `idle()` is awaited before each page is read (see RunDeps.interactive). */
  interactive?: InteractiveWork;
}

export async function* matchingUsers(
  strategy: Strategy,
  condition: ConditionAst,
  occurrence: string,
  deps: MatchingDeps,
): AsyncGenerator<MatchedPage> {
  const { where, exact } =
    deps.pushDown === false
      ? { where: {}, exact: false }
      : toDatabaseFilter(condition, { timeZone: strategy.timezone });
  const quotaCache = new Map<string, number | null>();
  const quota = async (userId: string): Promise<number | null> => {
    if (!quotaCache.has(userId)) {
      try {
        quotaCache.set(userId, await deps.gateway.getQuota(userId));
      } catch (error) {
        // Unknown quota → the quota-* predicate is UNKNOWN → not granted now; a later scan
        // sees the user again because no ledger row was written.
        deps.logger.warn('quota lookup failed', {
          user_id: userId,
          strategy_id: strategy.id,
          error: (error as Error).message,
        });
        quotaCache.set(userId, null);
      }
    }
    return quotaCache.get(userId) ?? null;
  };

  const page = async (afterUserId: string | null) => {
    await deps.interactive?.idle();
    return deps.store.findCandidates({
      strategyId: strategy.id,
      occurrence,
      where,
      afterUserId,
      limit: deps.pageSize,
      withAttributes: !exact,
    });
  };
  let next = page(null);
  // Every cursor so far (one id per page). The store returns users strictly after the cursor
  // in the database's order, so a cursor seen twice means the walk went back: fail loudly
  // instead of reading the same pages for ever. Ids cannot be compared here (JavaScript's
  // order is not the database's), only recognised.
  const cursors = new Set<string>();
  let cursor: string | null = null;
  for (;;) {
    const users = await next;
    if (users.length === 0) return;
    if (cursor !== null && users.some((user) => user.id === cursor))
      throw new ScanOrderError(
        `strategy ${strategy.id}: a page after user id ${JSON.stringify(cursor)} contained it again`,
      );
    cursor = users[users.length - 1]!.id;
    if (cursors.has(cursor))
      throw new ScanOrderError(
        `strategy ${strategy.id}: the scan came back to user id ${JSON.stringify(cursor)}`,
      );
    cursors.add(cursor);
    // Read ahead: the next page is looked up while the caller claims and delivers this one.
    // Its users all come after this page's, so this page's claims cannot change its answer.
    next = users.length < deps.pageSize ? Promise.resolve([]) : page(cursor);
    // If the caller stops early, nobody awaits the read-ahead; its failure must not go unhandled.
    next.catch(() => undefined);

    let matched = users.map((user) => user.id);
    if (!exact) {
      matched = [];
      for (const user of users) {
        if ((await evaluate(condition, user, { timeZone: strategy.timezone, quota })) === 'TRUE')
          matched.push(user.id);
      }
      quotaCache.clear();
    }
    let capped: string[] = [];
    if (strategy.maxExecPerUser > 0 && matched.length > 0) {
      const counts = await deps.store.countCountedGrants(strategy.id, matched);
      capped = matched.filter((id) => (counts.get(id) ?? 0) >= strategy.maxExecPerUser);
      if (capped.length > 0) {
        const cappedSet = new Set(capped);
        matched = matched.filter((id) => !cappedSet.has(id));
      }
    }
    yield { matched, capped };
    if (users.length < deps.pageSize) return;
  }
}
