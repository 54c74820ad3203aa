// The delivery worker: every poll it takes the due deliveries (a lease per row: one replica
// sends each), sends them with bounded concurrency through the safe sender, and records each
// outcome. At least once: a crash after sending and before recording sends again after the
// lease. A webhook is the event's body exactly as stored, signed at each attempt under the
// same `webhook-id`; a chat bot gets the event rendered in its own format. No order is promised
// between deliveries, to one endpoint or across them.
import type { CoreLogger } from '../core/ports/runtime-services.ts';
import type { DeliveryQueue, DueDelivery } from '../db/webhook-deliveries.ts';
import { CHAT_KINDS, type ChatKind } from '../events/chat/chat-message.ts';
import { renderChatMessage } from '../events/chat/render-chat-message.ts';
import type { EventEnvelope } from '../events/envelope.ts';
import { signWebhook } from '../events/standard-webhooks.ts';
import { OutboundError } from '../outbound/outbound-error.ts';
import type { OutboundRequest, SafeSender } from '../outbound/safe-sender.ts';
import { nextAttemptIn, type BackoffSettings } from './backoff.ts';

export interface WorkerSettings extends BackoffSettings {
  pollMs: number;
  concurrency: number;
  /** The sender's deadline for one attempt (WEBHOOK_TIMEOUT_MS): the lease is sized from it. */
  timeoutMs: number;
  disableAfterMs: number;
  retentionMs: number;
}

export type DeliveryResult = 'delivered' | 'retry' | 'gave_up';

export interface WorkerDeps {
  queue: DeliveryQueue;
  sender: SafeSender;
  settings: WorkerSettings;
  logger: CoreLogger;
  onResult?: (result: DeliveryResult) => void;
}

const isChatKind = (kind: string): kind is ChatKind =>
  (CHAT_KINDS as readonly string[]).includes(kind);

/** The request of one attempt at `now`. */
export function attemptRequest(delivery: DueDelivery, now: Date): OutboundRequest {
  const { endpoint, event } = delivery;
  if (isChatKind(endpoint.kind)) {
    const message = renderChatMessage(endpoint.kind, {
      envelope: JSON.parse(event.body) as EventEnvelope,
      url: endpoint.url,
      ...(endpoint.secrets[0] === undefined ? {} : { secret: endpoint.secrets[0] }),
      now,
    });
    return { url: message.url, headers: {}, body: JSON.stringify(message.body) };
  }
  const headers =
    endpoint.secrets.length === 0
      ? {}
      : {
          ...signWebhook({
            id: event.eventId,
            at: now,
            body: event.body,
            secrets: endpoint.secrets,
          }),
        };
  return { url: endpoint.url, headers: { ...headers }, body: event.body };
}

export class DeliveryWorker {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastPrune = 0;

  constructor(private readonly deps: WorkerDeps) {}

  start(): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      this.running = this.drain().then(
        () => undefined,
        (error: unknown) =>
          this.deps.logger.error('webhook delivery pass failed', { error: String(error) }),
      );
      await this.running;
      this.schedule(loop);
    };
    void loop();
  }

  /** The next pass, unless stop() came while this one ran. */
  private schedule(loop: () => Promise<void>): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void loop(), this.deps.settings.pollMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Sends what is due until nothing is; answers how many attempts it made. */
  async drain(): Promise<number> {
    const { queue, settings } = this.deps;
    let attempts = 0;
    for (;;) {
      const due = await queue.claim(settings.concurrency * ATTEMPTS_PER_LANE, leaseFor(settings));
      if (due.length === 0) break;
      await this.sendAll(due);
      attempts += due.length;
      if (this.stopped) break;
    }
    await this.pruneNow();
    return attempts;
  }

  private async sendAll(due: DueDelivery[]): Promise<void> {
    let next = 0;
    const lane = async () => {
      while (next < due.length) await this.attempt(due[next++]!);
    };
    await Promise.all(Array.from({ length: this.deps.settings.concurrency }, lane));
  }

  private async attempt(delivery: DueDelivery): Promise<void> {
    const { queue, sender, settings, logger } = this.deps;
    let failure: { responseStatus: number | null; error: string };
    try {
      const response = await sender.post(attemptRequest(delivery, new Date()));
      if (response.status >= 200 && response.status < 300) {
        await queue.succeeded(delivery, response.status);
        this.deps.onResult?.('delivered');
        return;
      }
      failure = { responseStatus: response.status, error: `answered ${response.status}` };
    } catch (error) {
      const code = error instanceof OutboundError ? error.code : 'request_failed';
      failure = { responseStatus: null, error: `${code}: ${(error as Error).message}` };
    }
    const age = Date.now() - delivery.createdAt.getTime();
    const retryInMs = nextAttemptIn(settings, delivery.attempts + 1, age);
    const disabled = await queue.failed(
      delivery,
      { ...failure, retryInMs },
      settings.disableAfterMs,
    );
    this.deps.onResult?.(retryInMs === null ? 'gave_up' : 'retry');
    // The URL is not logged: for WeCom and Slack it is the secret.
    if (disabled)
      logger.error('webhook endpoint disabled: every delivery failed for too long', {
        endpoint_id: delivery.endpoint.id,
      });
  }

  private async pruneNow(): Promise<void> {
    if (Date.now() - this.lastPrune < 60_000) return;
    this.lastPrune = Date.now();
    await this.deps.queue.prune(new Date(Date.now() - this.deps.settings.retentionMs));
  }
}

/** A batch is this many attempts per lane, made one after another. */
const ATTEMPTS_PER_LANE = 4;
/** Recording outcomes and the next claim's round trips, on a slow database. */
const LEASE_MARGIN_MS = 10_000;

/**
 * Long enough for a whole batch when every attempt runs to the sender's deadline: a lane's
 * attempts one after another, each up to `timeoutMs`. A shorter lease would let another
 * replica claim and send a delivery this one is still sending.
 */
export const leaseFor = (settings: Pick<WorkerSettings, 'timeoutMs' | 'pollMs'>) =>
  ATTEMPTS_PER_LANE * settings.timeoutMs + LEASE_MARGIN_MS + settings.pollMs;
