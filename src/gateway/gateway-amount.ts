// The amount a query answer carries, or why there is none usable: the one place a gateway
// counter becomes a number the daemon computes with.
import { MAX_GATEWAY_AMOUNT, quotaFrom } from './envelope.ts';
import { GatewayError } from './gateway-error.ts';
import type { OperationName } from './gateway-operations.ts';

/** The amount a get_quota / get_used answer carries; a missing one is a bad response. */
export function amountFrom(name: OperationName, data: unknown): number {
  const reading = quotaFrom({ success: true, data });
  if (reading.kind === 'amount') return reading.value;
  // Refused rather than rounded: a top-up or reset computed from a rounded counter sends the
  // wrong amount (docs/gateway.md, "Large counters").
  if (reading.kind === 'missing')
    throw new GatewayError(`gateway ${name} answer has no numeric data.quota`, {
      reason: 'bad_response',
      retryable: false,
      uncertain: false,
    });
  throw new GatewayError(
    `gateway ${name} answer ${reading.text} is beyond ±${MAX_GATEWAY_AMOUNT}, the largest counter quota-manager computes with and records exactly: refused rather than rounded`,
    { reason: 'out_of_range', retryable: false, uncertain: false },
  );
}
