// Every user a run of one occurrence would grant, with the amount each would get, streamed in
// pages (keyset on the user id). Memory is bounded by the scan page size, whatever the number
// of users: the CSV export of a million rows holds one page at a time.
import { parse } from '../../condition/index.ts';
import type { Strategy } from '../model/strategy.ts';
import { throwIfStopped } from './balance-reads.ts';
import { grantAmountsInCents } from './grant-amount.ts';
import { matchingUsers } from './matching-users.ts';
import type { ForecastDeps } from './occurrence-forecast.ts';
import { isOccurrenceClosed } from './occurrence-policy.ts';

export interface PreviewUser {
  userId: string;
  /** Null for top_up and reset when the user's balance was not read (failed, or over the bound). */
  amount: number | null;
}

/**
 * Pages of the users the occurrence would grant, after `cursor` (a user id). Budget caps are not
 * applied: while an occurrence is held, this lists whom an approval would grant.
 */
export async function* previewUserPages(
  strategy: Strategy,
  occurrence: string | null,
  deps: ForecastDeps,
  cursor: string | null = null,
): AsyncGenerator<PreviewUser[]> {
  const parsed = parse(strategy.condition);
  if (occurrence === null || !parsed.ok) return;
  if (await isOccurrenceClosed(strategy, occurrence, deps.store)) return;
  for await (const page of matchingUsers(strategy, parsed.ast, occurrence, deps, cursor)) {
    if (page.matched.length === 0) continue;
    const cents = await grantAmountsInCents(strategy, page.matched, deps);
    yield page.matched.map((userId, i) => ({
      userId,
      amount: cents[i] === null ? null : cents[i]! / 100,
    }));
    throwIfStopped(deps.signal);
  }
}

/** One page of at most `limit` users; `nextCursor` is null once the list is complete. */
export async function previewUsersPage(
  strategy: Strategy,
  occurrence: string | null,
  deps: ForecastDeps,
  cursor: string | null,
  limit: number,
): Promise<{ items: PreviewUser[]; nextCursor: string | null }> {
  const items: PreviewUser[] = [];
  const pages = previewUserPages(strategy, occurrence, deps, cursor);
  try {
    for (;;) {
      const next = await pages.next();
      if (next.done === true) return { items, nextCursor: null };
      const page = next.value;
      const taken = page.slice(0, limit - items.length);
      items.push(...taken);
      if (items.length < limit) continue;
      // Full: there is a next page if this one was cut, or if another page follows.
      const more = taken.length < page.length || (await pages.next()).done !== true;
      return { items, nextCursor: more ? items[items.length - 1]!.userId : null };
    }
  } finally {
    await pages.return(undefined);
  }
}
