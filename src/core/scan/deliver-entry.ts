// Sends one claimed ledger entry to the gateway and turns the answer into a ledger outcome (the
// delivery pipeline runs many at once). The gateway client already retries with backoff (same
// idempotency key); what reaches here is its final word.
import type { ClaimedEntry, DeliveryOutcome } from '../model/ledger-entry.ts';
import { resendableWhenUncertain } from '../grant-mode.ts';
import type { Deadline } from '../clock.ts';
import { gatewayFailureOf, type GatewayFailure, type GrantGateway } from '../ports/gateway.ts';
import type { CoreLogger } from '../ports/runtime-services.ts';
import type { DeliveryOptions } from './run-deps.ts';
import { sendGrant, type GrantTrace } from './send-grant.ts';

/**
 * Sends one grant; never throws: a gateway failure becomes a `failed`, `unknown` or in-doubt
 * (`sending`) outcome. Nothing is sent past `sendBefore` (the run's lease deadline).
 */
export async function deliverEntry(
  entry: ClaimedEntry,
  gateway: GrantGateway,
  options: DeliveryOptions,
  logger: CoreLogger,
  sendBefore: Deadline,
): Promise<DeliveryOutcome> {
  const trace: GrantTrace = { balanceBefore: null, deltaSent: null };
  try {
    await sendGrant(entry, gateway, options.balance, trace, sendBefore);
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
    return failedDelivery(entry, gatewayFailureOf(error), options, logger, trace);
  }
}

const IN_DOUBT =
  'outcome in doubt: the answer was lost and the gateway may still apply the grant; settled (by the user total, or sent again) once the settle time has passed.';

/**
 * The outcome of a delivery the gateway client gave up on. A doubt is never settled here: a
 * total read now could miss a delta still on its way (held by a proxy, queued in the gateway),
 * and a re-send on that evidence would grant twice. The row stays `sending` until its settle
 * time (the client's whole retry budget from now) and a later run settles it.
 */
function failedDelivery(
  entry: ClaimedEntry,
  failure: GatewayFailure,
  options: DeliveryOptions,
  logger: CoreLogger,
  trace: GrantTrace,
): DeliveryOutcome {
  const mode = entry.mode ?? 'add';
  // A gateway that de-duplicates by key makes a re-send harmless: `failed` is re-sent with it.
  // With nothing to read and nothing to re-send, only a person can tell: `unknown` at once.
  const status: DeliveryOutcome['status'] = !failure.uncertain
    ? 'failed'
    : failure.aborted === true
      ? 'sending'
      : options.honoursIdempotency
        ? 'failed'
        : !resendableWhenUncertain(mode) && !options.reconcile
          ? 'unknown'
          : 'sending';
  logger.warn(
    failure.aborted === true ? 'grant left in flight at shutdown' : 'grant delivery failed',
    {
      strategy_id: entry.strategyId,
      occurrence: entry.occurrence,
      user_id: entry.userId,
      gateway_status: failure.status,
      uncertain: failure.uncertain,
      error: failure.message,
      outcome: status,
    },
  );
  const why = status === 'sending' ? `${IN_DOUBT} ${failure.message}` : failure.message;
  return {
    id: entry.id,
    status,
    lastError: why.slice(0, 500),
    // So the row's count agrees with "failed after N attempts" in its error.
    attempts: failure.attempts ?? 1,
    ...trace,
  };
}
