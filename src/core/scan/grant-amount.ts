// How much one user would be granted for an occurrence. Previews, explain and the budget check
// all ask here, page by page, so a mode whose amount depends on the user (top_up: the target
// minus the user's live balance at the gateway) is added in this one place.
import type { Strategy } from '../model/strategy.ts';
import type { MatchingDeps } from './matching-users.ts';

/** Amounts in cents (integers), so sums over a million users stay exact. */
export type AmountsInCents = number[];

/**
 * The amount each of `userIds` would receive, in cents, in the same order. Today every mode
 * grants `strategy.amount`; `deps` is there for modes that must read the gateway.
 */
export function grantAmountsInCents(
  strategy: Strategy,
  userIds: readonly string[],
  // Read by modes whose amount depends on the user's balance (top_up); unused by `add`.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  _deps: Pick<MatchingDeps, 'gateway' | 'logger'>,
): Promise<AmountsInCents> {
  const cents = Math.round(strategy.amount * 100);
  return Promise.resolve(userIds.map(() => cents));
}
