// The circuit breaker's place around one gateway operation (retries included): refused without a
// request while the circuit is open, and its final success or outage-like failure recorded. One
// function, so the in-thread client and the worker-thread gateway (whose retries run in another
// thread, while the one breaker stays with the scanner, /readyz and the metrics) guard alike.
import type { CircuitBreaker } from './circuit-breaker.ts';
import { GatewayError } from './gateway-error.ts';

export async function guardedByBreaker<T>(
  breaker: CircuitBreaker | undefined,
  operation: string,
  now: () => number,
  call: () => Promise<T>,
): Promise<T> {
  if (breaker === undefined) return call();
  if (!breaker.allowsRequests()) {
    throw new GatewayError(
      `gateway ${operation} not sent: the gateway is failing and the circuit breaker is open until ${new Date(breaker.retryAt() ?? now()).toISOString()}`,
      {
        reason: 'circuit_open',
        retryable: false,
        uncertain: false,
        attempts: 0,
      },
    );
  }
  try {
    const value = await call();
    breaker.recordSuccess();
    return value;
  } catch (error) {
    if (error instanceof GatewayError && isOutage(error)) breaker.recordFailure();
    throw error;
  }
}

/**
 * Failures that say the gateway as a whole is unusable (down, overloaded, answering garbage,
 * refusing our key), as opposed to one request's problem (a user it rejects, a bad argument).
 */
function isOutage(error: GatewayError): boolean {
  return (
    error.retryable ||
    error.reason === 'bad_response' ||
    error.status === 401 ||
    error.status === 403
  );
}
