// A webhook endpoint: where events go, in which format, which of them. Secrets never leave the
// store except in the answer that made them (create, rotate): WebhookEndpoint carries only
// whether one is set.
import type { EventType } from './domain-event.ts';

export const WEBHOOK_KINDS = ['webhook', 'feishu', 'dingtalk', 'wecom', 'slack'] as const;
export type WebhookKind = (typeof WEBHOOK_KINDS)[number];

export interface WebhookEndpoint {
  id: number;
  url: string;
  kind: WebhookKind;
  eventTypes: EventType[];
  enabled: boolean;
  description: string;
  hasSecret: boolean;
  /** Until when the secret before the last rotation is still signed with; null: none. */
  previousSecretUntil: Date | null;
  /** Why the daemon disabled it (failing too long); null when enabled or disabled by a person. */
  disabledReason: string | null;
  /** Since when every attempt failed (null: the last one succeeded). */
  failingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookInput {
  url: string;
  kind: WebhookKind;
  eventTypes: EventType[];
  enabled: boolean;
  description: string;
  /** Chat kinds: the bot's signing secret (feishu, dingtalk); webhook: made by the daemon. */
  secret: string | null;
}

export type WebhookPatch = Partial<Omit<WebhookInput, 'kind'>>;

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface WebhookDeliveryRecord {
  id: number;
  endpointId: number;
  /** The event's webhook-id (`evt_…`). */
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
  /** When the next attempt is due (pending rows); null otherwise. */
  nextAttemptAt: Date | null;
}
