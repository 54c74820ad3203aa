// The gateway circuit breaker as the daemon configures it: logging each change of state.
import type { Config } from '../config/load-config.ts';
import type { CoreLogger } from '../core/ports/runtime-services.ts';
import { CircuitBreaker } from './index.ts';
import type { CircuitChange } from './circuit-breaker.ts';

/** The gateway circuit breaker, logging each change of state; none when breakerFailures is 0. */
export function createGatewayBreaker(
  settings: Config['gateway'],
  log: CoreLogger,
  /** Hears each change too (the gateway.unavailable / gateway.recovered events). */
  onState?: (state: CircuitChange['state']) => void,
): CircuitBreaker | undefined {
  if (settings.breakerFailures === 0) return undefined;
  return new CircuitBreaker({
    failureThreshold: settings.breakerFailures,
    cooldownMs: settings.breakerCooldownMs,
    onChange: ({ state, consecutiveFailures, retryAt }) => {
      onState?.(state);
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
