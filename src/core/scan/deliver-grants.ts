// Sends one claimed grant to the gateway and turns the answer into a ledger outcome (the
// delivery pipeline runs many at once). The gateway client already retries with backoff (same idempotency key);
// what reaches here is its final word.
import type { Grant, GrantOutcome } from '../ledger.ts';
import type { GrantGateway, ScanLogger } from './ports.ts';

export interface DeliveryOptions {
  concurrency: number;
  /**
   * Whether the gateway de-duplicates by Idempotency-Key. If it does not (the real Higress
   * plugin does not), an uncertain outcome must not be re-sent blindly: it becomes `unknown`.
   */
  honoursIdempotency: boolean;
}

interface GatewayFailure {
  message: string;
  uncertain?: boolean;
  status?: number;
  /** Requests the client made before giving up (0 when nothing was sent). */
  attempts?: number;
}

/** Sends one grant; never throws: a gateway failure becomes a `failed` or `unknown` outcome. */
export async function deliverGrant(
  grant: Grant,
  gateway: GrantGateway,
  options: DeliveryOptions,
  logger: ScanLogger,
): Promise<GrantOutcome> {
  try {
    await gateway.deltaQuota(grant.userId, grant.amount, { idempotencyKey: grant.idempotencyKey });
    return { id: grant.id, status: 'applied', lastError: null };
  } catch (error) {
    const failure = error as GatewayFailure;
    const unknown = failure.uncertain === true && !options.honoursIdempotency;
    logger.warn('grant delivery failed', {
      strategy_id: grant.strategyId,
      occurrence: grant.occurrence,
      user_id: grant.userId,
      gateway_status: failure.status,
      uncertain: failure.uncertain === true,
      error: failure.message,
      outcome: unknown ? 'unknown' : 'failed',
    });
    return {
      id: grant.id,
      status: unknown ? 'unknown' : 'failed',
      lastError: failure.message.slice(0, 500),
      // So the row's count agrees with "failed after N attempts" in its error.
      attempts: typeof failure.attempts === 'number' ? failure.attempts : 1,
    };
  }
}
