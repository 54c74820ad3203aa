// What the webhook use cases need: the endpoints and their deliveries (db/webhook-store.ts),
// and the check of a target URL before it is saved (webhooks/target-check.ts).
import type { AuditDraft } from '../model/audit.ts';
import type { DomainEvent } from '../model/domain-event.ts';
import type { Page } from './stores.ts';
import type {
  DeliveryStatus,
  WebhookDeliveryRecord,
  WebhookEndpoint,
  WebhookInput,
  WebhookPatch,
} from '../model/webhook.ts';

export interface WebhookStore {
  /** Endpoints by id after `afterId`, and how many there are in all. */
  list(page: { afterId: number; limit: number }): Promise<Page<WebhookEndpoint>>;
  /** 404 when missing. */
  get(id: number): Promise<WebhookEndpoint>;
  create(input: WebhookInput, audit: AuditDraft): Promise<WebhookEndpoint>;
  /** Re-enabling clears the daemon's reason and the failure clock. 404 when missing. */
  update(id: number, patch: WebhookPatch, audit: AuditDraft): Promise<WebhookEndpoint>;
  /** Deletes the endpoint and its deliveries. 404 when missing. */
  delete(id: number, audit: AuditDraft): Promise<void>;
  /** A new secret; the one before is still signed with until `previousUntil`. */
  rotateSecret(
    id: number,
    secret: string,
    previousUntil: Date,
    audit: AuditDraft,
  ): Promise<WebhookEndpoint>;
  deliveries(
    endpointId: number,
    filter: { status?: DeliveryStatus; beforeId?: number; limit: number },
  ): Promise<WebhookDeliveryRecord[]>;
  /** Due again at once, attempts kept; 404 when the delivery is not the endpoint's. */
  retryDelivery(endpointId: number, deliveryId: number, audit: AuditDraft): Promise<void>;
  /** Writes `event` with one delivery, to this endpoint only. */
  sendTest(endpointId: number, event: DomainEvent, audit: AuditDraft): Promise<string>;
}

export interface WebhookServices {
  store: WebhookStore;
  /** Refuses a URL the daemon must not send to (private targets), with a 400 that says why. */
  checkTarget(url: string): Promise<void>;
  /** A new `whsec_` secret. */
  newSecret(): string;
  /** How long the secret before a rotation is still signed with. */
  rotationOverlapMs: number;
}
