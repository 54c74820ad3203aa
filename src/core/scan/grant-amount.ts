// How much one user would be granted for an occurrence. Previews, explain and the budget check
// all ask here, page by page, so a mode whose amount depends on the user (top_up, reset: the
// change from the user's live balance at the gateway) is handled in this one place.
import { readsBalance } from '../grant-mode.ts';
import type { BalanceReadBudget } from './balance-reads.ts';
import type { Strategy } from '../model/strategy.ts';
import type { MatchingDeps } from './matching-users.ts';
import type { DeliveryOptions } from './run-deps.ts';
import { previewChange } from './send-grant.ts';

export type AmountDeps = Pick<MatchingDeps, 'gateway' | 'logger'> & {
  /** How the gateway keeps balances (AIGATEWAY_BALANCE); absent: total_minus_used. */
  delivery?: Pick<DeliveryOptions, 'balance'>;
  /** Previews and explanations: at most this many users' balances read (absent: no bound). */
  balanceReads?: BalanceReadBudget;
};

/** A user whose balance was not read because the request's read budget was spent. */
export const NOT_READ = 'not_read';

/** What a grant would change for one user now; `balance` is null for add. */
export interface UserChange {
  userId: string;
  balance: number | null;
  change: number;
}

/**
 * What each of `userIds` would receive now, in the same order; null where the user's balance
 * could not be read (top_up, reset), NOT_READ where the read budget was spent; one gateway read
 * per user, bounded by the client's limiter.
 */
export async function grantChanges(
  strategy: Strategy,
  userIds: readonly string[],
  deps: AmountDeps,
): Promise<(UserChange | null | typeof NOT_READ)[]> {
  if (!readsBalance(strategy.mode)) {
    return userIds.map((userId) => ({ userId, balance: null, change: strategy.amount }));
  }
  const protocol = deps.delivery?.balance ?? 'total_minus_used';
  const read = (userId: string): Promise<UserChange | null | typeof NOT_READ> =>
    deps.balanceReads?.take() === false
      ? Promise.resolve(NOT_READ)
      : previewChange(strategy.mode, strategy.amount, userId, deps.gateway, protocol).then(
          (seen) => ({ userId, ...seen }),
          () => null,
        );
  return Promise.all(userIds.map(read));
}

/** The amount each of `userIds` would receive, in cents; null where the balance was not read. */
export async function grantAmountsInCents(
  strategy: Strategy,
  userIds: readonly string[],
  deps: AmountDeps,
): Promise<(number | null)[]> {
  const changes = await grantChanges(strategy, userIds, deps);
  return changes.map((c) => (c === null || c === NOT_READ ? null : Math.round(c.change * 100)));
}
