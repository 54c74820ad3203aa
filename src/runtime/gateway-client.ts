// The gateway client a runtime uses: the Higress ai-quota HTTP client (in a worker thread when
// configured), with its retries and limiter, behind the circuit breaker that also pauses scans.
import type { Config } from '../config/load-config.ts';
import type { CoreLogger } from '../core/ports/runtime-services.ts';
import {
  CircuitBreaker,
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

/** The gateway circuit breaker, logging each change of state; none when breakerFailures is 0. */
export function createGatewayBreaker(
  settings: Config['gateway'],
  log: CoreLogger,
): CircuitBreaker | undefined {
  if (settings.breakerFailures === 0) return undefined;
  return new CircuitBreaker({
    failureThreshold: settings.breakerFailures,
    cooldownMs: settings.breakerCooldownMs,
    onChange: ({ state, consecutiveFailures, retryAt }) => {
      if (state === 'open') {
        log.error('gateway circuit breaker open: grants paused', {
          consecutive_failures: consecutiveFailures,
          retry_at: retryAt === null ? null : new Date(retryAt).toISOString(),
        });
      } else if (state === 'closed') {
        log.info('gateway circuit breaker closed: grants resume');
      } else {
        log.info('gateway circuit breaker half-open: probing the gateway');
      }
    },
  });
}
