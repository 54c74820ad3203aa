// Sends one claimed ledger entry to the gateway and turns the answer into a ledger outcome (the
// delivery pipeline runs many at once). The gateway client already retries with backoff (same
// idempotency key); what reaches here is its final word.
import type { ClaimedEntry, DeliveryOutcome } from '../model/ledger-entry.ts';
import { resendableWhenUncertain } from '../grant-mode.ts';
import { gatewayFailureOf, type GatewayFailure, type GrantGateway } from '../ports/gateway.ts';
import type { CoreLogger } from '../ports/runtime-services.ts';
import { reconcileEntry } from './reconcile.ts';
import type { DeliveryOptions } from './run-deps.ts';
import { sendGrant, type GrantTrace } from './send-grant.ts';

/** Sends one grant; never throws: a gateway failure becomes a `failed` or `unknown` outcome. */
export async function deliverEntry(
  entry: ClaimedEntry,
  gateway: GrantGateway,
  options: DeliveryOptions,
  logger: CoreLogger,
): Promise<DeliveryOutcome> {
  const trace: GrantTrace = { balanceBefore: null, deltaSent: null };
  try {
    await sendGrant(entry, gateway, options.balance, trace);
    return {
      id: entry.id,
      status: 'applied',
      lastError: null,
      ...trace,
      // What the balance grew by (for top_up and reset not `amount`, which is the target); a
      // reset that lowered a balance granted nothing, and a counter cannot go down.
      granted: {
        strategyId: entry.strategyId,
        amount: Math.max(0, trace.deltaSent ?? entry.amount),
      },
    };
  } catch (error) {
    return failedDelivery(entry, gatewayFailureOf(error), gateway, options, logger, trace);
  }
}

const AWAITING_TOTAL =
  'outcome not known yet: the answer was lost and the user total could not be read to settle it; a later run reads it again.';

/** The outcome of a delivery the gateway client gave up on. */
async function failedDelivery(
  entry: ClaimedEntry,
  failure: GatewayFailure,
  gateway: GrantGateway,
  options: DeliveryOptions,
  logger: CoreLogger,
  trace: GrantTrace,
): Promise<DeliveryOutcome> {
  if (failure.aborted === true && failure.uncertain) {
    // The daemon is stopping and stopped waiting for this call: the row stays `sending`, as a
    // crash would leave it, and the next run settles it like every uncertain row (re-sent with
    // its key, or by the user's total with AIGATEWAY_RECONCILE=query, else unknown). Reading
    // the total now would wait on the gateway the daemon is leaving.
    logger.warn('grant left in flight at shutdown', {
      strategy_id: entry.strategyId,
      occurrence: entry.occurrence,
      user_id: entry.userId,
    });
    return {
      id: entry.id,
      status: 'sending',
      lastError: failure.message.slice(0, 500),
      attempts: failure.attempts ?? 1,
      ...trace,
    };
  }
  // top_up and reset stay `failed` (re-sent by a later scan, which reads the balance again);
  // reconciliation compares the total with `amount`, which only means something for `add`.
  const unknown =
    failure.uncertain &&
    !options.honoursIdempotency &&
    !resendableWhenUncertain(entry.mode ?? 'add');
  // An answer lost within the call: the user's total may still tell what happened. When it
  // cannot be read now either (a gateway that went down right after applying), the row stays
  // `sending`: the next run asks the total again once the settle wait is over, rather than
  // leaving a person to resolve an outcome the gateway will be able to tell.
  const settleLater = unknown && options.reconcile;
  const reconciled = settleLater ? await reconcileEntry(entry, gateway) : undefined;
  const status = reconciled?.status ?? (settleLater ? 'sending' : unknown ? 'unknown' : 'failed');
  logger.warn('grant delivery failed', {
    strategy_id: entry.strategyId,
    occurrence: entry.occurrence,
    user_id: entry.userId,
    gateway_status: failure.status,
    uncertain: failure.uncertain,
    error: failure.message,
    outcome: status,
  });
  if (reconciled !== undefined) return reconciled;
  const why = settleLater ? `${AWAITING_TOTAL} ${failure.message}` : failure.message;
  return {
    id: entry.id,
    status,
    lastError: why.slice(0, 500),
    // So the row's count agrees with "failed after N attempts" in its error.
    attempts: failure.attempts ?? 1,
    ...trace,
  };
}
