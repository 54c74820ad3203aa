// What the gateway shows for one user now, read through the daemon's own gateway client: the
// view an operator needs to reconcile a grant whose outcome is unknown (did it arrive?). A read
// that fails is reported as such, not thrown: the gateway being down is an answer here.
import type { BalanceProtocol } from '../grant-mode.ts';
import { gatewayFailureOf } from '../ports/gateway.ts';
import { readBalance } from '../scan/send-grant.ts';
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

export async function gatewayBalance(
  deps: Pick<CoreDeps, 'scan' | 'clock'>,
  userId: string,
): Promise<GatewayBalance> {
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
