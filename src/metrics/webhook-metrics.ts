// The webhook delivery metrics: attempts by result, and the queue read from the database at
// scrape time (its depth, and how long the oldest undelivered event has waited), so every
// replica reports the shared queue and the backlog alert needs no sum across them.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface WebhookBacklog {
  pending: number;
  oldestCreatedAt: Date | null;
}

export function createWebhookMetrics(
  registry: Registry,
  backlog: () => Promise<WebhookBacklog>,
  now: () => Date = () => new Date(),
) {
  const registers = [registry];
  const deliveries = new Counter({
    name: 'quota_manager_webhook_deliveries_total',
    help: 'Webhook delivery attempts by result: delivered, retry (failed, tried again later), gave_up (failed for WEBHOOK_RETRY_FOR_MS)',
    labelNames: ['status'],
    registers,
  });
  // One read per scrape for both gauges.
  let read: Promise<WebhookBacklog> | null = null;
  const current = () => (read ??= backlog().finally(() => setTimeout(() => (read = null), 0)));
  new Gauge({
    name: 'quota_manager_webhook_queue_depth',
    help: 'Webhook deliveries waiting to be delivered (pending), across replicas; read from the database at scrape time',
    registers,
    async collect() {
      this.set((await current()).pending);
    },
  });
  new Gauge({
    name: 'quota_manager_webhook_oldest_undelivered_seconds',
    help: 'Age of the oldest pending webhook delivery (0 when none waits)',
    registers,
    async collect() {
      const { oldestCreatedAt } = await current();
      this.set(
        oldestCreatedAt === null
          ? 0
          : Math.max(0, (now().getTime() - oldestCreatedAt.getTime()) / 1000),
      );
    },
  });
  return { deliveries };
}
