// The gateway's word on each user at a lot event: the balance, and on a total-and-used gateway
// the used counter that consumption is attributed from. Users whose counters cannot be read are
// left out of this event (their lots wait for the next pass).
import type { BalanceProtocol } from '../grant-mode.ts';
import { gatewayFailureOf, type GrantGateway } from '../ports/gateway.ts';
import type { CoreLogger } from '../ports/runtime-services.ts';
import { readBalance } from '../scan/send-grant.ts';
import type { UserReading } from './lot-event.ts';

export async function readUsers(
  userIds: readonly string[],
  gateway: GrantGateway,
  protocol: BalanceProtocol,
  logger: CoreLogger,
): Promise<Map<string, UserReading>> {
  const readings = new Map<string, UserReading>();
  // The gateway client's limiter bounds these reads like every other call.
  const results = await Promise.allSettled(
    userIds.map((userId) => readBalance(gateway, userId, protocol)),
  );
  results.forEach((result, index) => {
    const userId = userIds[index]!;
    if (result.status === 'fulfilled') {
      const { balance, used } = result.value;
      readings.set(userId, { userId, balance, used: protocol === 'quota' ? null : used });
      return;
    }
    logger.warn('balance not read; the lots of this user wait for the next lot pass', {
      user_id: userId,
      error: gatewayFailureOf(result.reason).message,
    });
  });
  return readings;
}
