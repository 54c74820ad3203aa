// What the gateway shows for one user now, read through the daemon's own gateway client: the
// view an operator needs to reconcile a grant whose outcome is unknown (did it arrive?). A read
// that fails is reported as such, not thrown: the gateway being down is an answer here.
import type { BalanceProtocol } from '../grant-mode.ts';
import { gatewayFailureOf } from '../ports/gateway.ts';
import { readBalance } from '../scan/send-grant.ts';
import { notFound } from '../errors.ts';
import type { CoreDeps } from './deps.ts';

export interface GatewayBalance {
  userId: string;
  /** How the gateway keeps balances (AIGATEWAY_BALANCE). */
  protocol: BalanceProtocol;
  /** What the user can spend now; null when the gateway could not be read. */
  balance: number | null;
  /** The used counter (total_minus_used); 0 for a single-counter gateway; null when unread. */
  used: number | null;
  readAt: Date;
  /** Why the gateway could not be read; null when it was. */
  error: string | null;
}

/**
 * A viewer (RequestScope.knownUsersOnly) may read the balance of users the daemon knows only:
 * in user_info, or with grants in the ledger (a deleted user whose grants need reconciling).
 * Any other id answers 404, as if the user did not exist: a viewer token must not become a way
 * to probe the gateway for arbitrary ids. Admins read any id.
 */
async function mayRead(deps: Pick<CoreDeps, 'users' | 'ledger' | 'scope'>, userId: string) {
  if (deps.scope?.knownUsersOnly !== true) return true;
  if ((await deps.users.get(userId)) !== null) return true;
  return (await deps.ledger.list({ userId, limit: 1, offset: 0 })).items.length > 0;
}

export async function gatewayBalance(
  deps: Pick<CoreDeps, 'scan' | 'clock' | 'users' | 'ledger' | 'scope'>,
  userId: string,
): Promise<GatewayBalance> {
  if (!(await mayRead(deps, userId))) throw notFound('user', userId);
  const protocol = deps.scan.delivery.balance;
  try {
    const reading = await readBalance(deps.scan.gateway, userId, protocol);
    const { balance, used } = reading;
    return { userId, protocol, balance, used, readAt: deps.clock.now(), error: null };
  } catch (error) {
    const failure = gatewayFailureOf(error);
    return {
      userId,
      protocol,
      balance: null,
      used: null,
      readAt: deps.clock.now(),
      error: failure.message,
    };
  }
}
