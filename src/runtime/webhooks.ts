// Events out, wired: the outbox's recorder (for the core), the endpoint store and the target
// check (for the webhook use cases), the delivery worker (started with the daemon's ticks), its
// metrics, and the gateway breaker's changes as gateway.unavailable / gateway.recovered.
import type { Config } from '../config/load-config.ts';
import type { Clock } from '../core/clock.ts';
import { domainEvent } from '../core/model/domain-event.ts';
import type { CoreLogger } from '../core/ports/runtime-services.ts';
import type { WebhookServices } from '../core/ports/webhook-store.ts';
import type { Database } from '../db/client.ts';
import { createEventRecorder } from '../db/event-outbox.ts';
import { createDeliveryQueue } from '../db/webhook-deliveries.ts';
import { createWebhookStore } from '../db/webhook-store.ts';
import { generateSigningSecret } from '../events/standard-webhooks.ts';
import { createWebhookMetrics } from '../metrics/webhook-metrics.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { createSafeSender } from '../outbound/safe-sender.ts';
import { DeliveryWorker } from '../webhooks/delivery-worker.ts';
import { targetChecker } from '../webhooks/target-check.ts';

export function buildWebhooks(
  settings: Config['webhooks'],
  deps: { database: Database; clock: Clock; logger: CoreLogger; metrics: Metrics },
) {
  const { database, clock, logger } = deps;
  const recorder = createEventRecorder(database, (error) =>
    logger.warn('webhook subscriptions not read', { error: String(error) }),
  );
  const queue = createDeliveryQueue(database);
  const sender = createSafeSender({
    allowPrivateTargets: settings.allowPrivateTargets,
    timeoutMs: settings.timeoutMs,
  });
  const { deliveries } = createWebhookMetrics(
    deps.metrics.registry,
    () => queue.backlog(),
    () => clock.now(),
  );
  const worker = new DeliveryWorker({
    queue,
    sender,
    settings: {
      pollMs: settings.pollMs,
      concurrency: settings.concurrency,
      timeoutMs: settings.timeoutMs,
      baseMs: settings.retryBaseMs,
      maxMs: settings.retryMaxMs,
      retryForMs: settings.retryForMs,
      disableAfterMs: settings.disableAfterMs,
      retentionMs: settings.retentionMs,
    },
    logger,
    onResult: (result) => deliveries.inc({ status: result }),
  });
  const services: WebhookServices = {
    store: createWebhookStore(database),
    checkTarget: targetChecker({ allowPrivateTargets: settings.allowPrivateTargets }),
    newSecret: () => generateSigningSecret(),
    rotationOverlapMs: settings.secretOverlapMs,
  };
  // Only the edges between "available" and "not" are events: a failed half-open probe opens
  // the breaker again without telling anyone twice.
  let unavailable = false;
  const breakerChanged = (state: 'open' | 'closed' | 'half_open') => {
    if (state === 'half_open' || (state === 'open') === unavailable) return;
    unavailable = state === 'open';
    const type = unavailable ? 'gateway.unavailable' : 'gateway.recovered';
    recorder
      .record([domainEvent(type, clock.now(), { state })])
      .catch((error: unknown) =>
        logger.error('event not recorded', { type, error: String(error) }),
      );
  };
  return {
    recorder,
    services,
    worker,
    breakerChanged,
    async close() {
      await worker.stop();
      await sender.close();
    },
  };
}

export type Webhooks = ReturnType<typeof buildWebhooks>;
