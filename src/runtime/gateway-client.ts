// The gateway client a runtime uses: the Higress ai-quota HTTP client (in a worker thread when
// configured), with its retries and limiter, behind the circuit breaker that also pauses scans
// (gateway/gateway-breaker.ts).
import type { Config } from '../config/load-config.ts';
import type { CoreLogger } from '../core/ports/runtime-services.ts';
import {
  type CircuitBreaker,
  createAiGatewayClient,
  createWorkerGateway,
  type GatewayClient,
} from '../gateway/index.ts';
import { createRedactor } from '../logger.ts';

export function createGatewayClient(
  settings: Config['gateway'],
  parts: {
    logger: CoreLogger;
    /** Redacted from gateway answers quoted in errors (they reach last_error and the API). */
    secrets: string[];
    breaker: CircuitBreaker | undefined;
    /** Aborts the calls in flight (shutdown). */
    signal: AbortSignal;
  },
): GatewayClient {
  const options = {
    baseUrl: settings.url,
    adminPath: settings.adminPath,
    authHeader: settings.authHeader,
    authValue: settings.authValue,
    timeoutMs: settings.timeoutMs,
    maxAttempts: settings.maxAttempts,
    retryBaseDelayMs: settings.retryBaseDelayMs,
    retryMaxDelayMs: settings.retryMaxDelayMs,
    concurrency: settings.concurrency,
    honoursIdempotency: settings.honoursIdempotency,
    logger: parts.logger,
    redact: createRedactor(parts.secrets),
    breaker: parts.breaker,
    signal: parts.signal,
  };
  return settings.workerThread ? createWorkerGateway(options) : createAiGatewayClient(options);
}
