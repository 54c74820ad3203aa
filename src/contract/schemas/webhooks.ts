// The wire shapes of /api/v1/webhooks (endpoints, deliveries) and their serializers.
import { z } from '@hono/zod-openapi';
import { EVENT_TYPES } from '../../core/model/domain-event.ts';
import {
  DELIVERY_STATUSES,
  WEBHOOK_KINDS,
  type WebhookDeliveryRecord,
  type WebhookEndpoint,
} from '../../core/model/webhook.ts';
import { pathId } from './common.ts';
import { cursorLimit, idCursor, NextCursorSchema } from './cursor.ts';

export const WebhookIdParamSchema = z.object({ id: pathId('id', 1, 'Webhook endpoint id') });
export const DeliveryParamSchema = z.object({
  id: pathId('id', 1, 'Webhook endpoint id'),
  delivery: pathId('delivery', 42, 'Delivery id'),
});

/** A C0 control character (NUL, newline, …) anywhere in the text. */
const hasControlCharacter = (text: string) =>
  Array.from({ length: text.length }, (_, i) => text.charCodeAt(i)).some((code) => code < 0x20);

const eventTypes = z
  .array(z.enum(EVENT_TYPES))
  .min(1, { error: 'name at least one event type' })
  .max(EVENT_TYPES.length)
  .openapi({
    description: 'The event types sent to this endpoint (docs/events.md has the catalogue)',
    example: ['occurrence.held', 'grant.unknown'],
  });
const url = z
  .string()
  .min(1)
  .max(2048)
  .refine((value) => !/\s/.test(value) && !hasControlCharacter(value), {
    error: 'must not contain spaces or control characters',
  })
  .openapi({
    description: 'http or https; private, loopback and link-local targets are refused',
    example: 'https://hooks.example.com/quota',
  });
const description = z
  .string()
  .max(1000)
  .refine((value) => !value.includes('\u0000'), { error: 'must not contain NUL' })
  .openapi({ description: 'A note for people', example: 'Ops on-call' });
const secret = z.string().min(1).max(191).openapi({
  description:
    'Chat kinds that sign (feishu, dingtalk): the bot\u2019s signing secret; never shown again',
  example: 'SECxxxxxxxxxxxxxxxx',
});

export const WebhookCreateSchema = z
  .strictObject({
    url,
    kind: z
      .enum(WEBHOOK_KINDS)
      .default('webhook')
      .openapi({ description: 'webhook (Standard Webhooks) or a chat bot format' }),
    event_types: eventTypes,
    enabled: z.boolean().default(true).openapi({ description: 'Send events to it' }),
    description: description.default(''),
    secret: secret.optional(),
  })
  .openapi('WebhookCreate');

export const WebhookPatchSchema = z
  .strictObject({
    url: url.optional(),
    event_types: eventTypes.optional(),
    enabled: z.boolean().optional().openapi({ description: 'true also re-enables a disabled one' }),
    description: description.optional(),
    secret: secret.optional(),
  })
  .openapi('WebhookPatch');

export const WebhookSchema = z
  .object({
    id: z.number().int().openapi({ description: 'Endpoint id', example: 1 }),
    url: z.string().openapi({
      description: 'Where events are posted',
      example: 'https://hooks.example.com/quota',
    }),
    kind: z.enum(WEBHOOK_KINDS).openapi({ description: 'Format of the requests' }),
    event_types: z.array(z.enum(EVENT_TYPES)).openapi({ description: 'Subscribed types' }),
    enabled: z.boolean().openapi({ description: 'Whether events are sent to it' }),
    description: z.string().openapi({ description: 'A note for people' }),
    has_secret: z.boolean().openapi({ description: 'A secret is set (it is never shown again)' }),
    previous_secret_until: z.string().nullable().openapi({
      description: 'After a rotation: until when the old secret is still signed with',
    }),
    disabled_reason: z.string().nullable().openapi({
      description:
        'Why the daemon disabled it (every delivery failed for WEBHOOK_DISABLE_AFTER_MS)',
    }),
    failing_since: z
      .string()
      .nullable()
      .openapi({ description: 'Since when every attempt failed; null after a success' }),
    created_at: z
      .string()
      .openapi({ description: 'When it was created', example: '2026-12-07T02:00:00.000Z' }),
    updated_at: z
      .string()
      .openapi({ description: 'When it last changed', example: '2026-12-07T02:00:00.000Z' }),
  })
  .openapi('Webhook');

export const WebhookWithSecretSchema = z
  .object({
    webhook: WebhookSchema.openapi({ description: 'The endpoint' }),
    secret: z.string().nullable().openapi({
      description:
        'kind webhook: the `whsec_` signing secret, shown in this answer only; chat kinds: null',
      example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    }),
  })
  .openapi('WebhookWithSecret');

export const WebhookListSchema = z
  .object({
    items: z.array(WebhookSchema).openapi({ description: 'Endpoints, by id' }),
    next_cursor: NextCursorSchema,
    total: z.number().int().openapi({ description: 'Number of endpoints', example: 1 }),
  })
  .openapi('WebhookList');

export const DeliverySchema = z
  .object({
    id: z.number().int().openapi({ description: 'Delivery id', example: 42 }),
    event_id: z.string().openapi({
      description: 'The webhook-id header',
      example: 'evt_6f1c0e0d2b8a4c51a7d9e3f2b1c0a9d8',
    }),
    event_type: z.string().openapi({ description: 'The event type', example: 'occurrence.held' }),
    status: z
      .enum(DELIVERY_STATUSES)
      .openapi({ description: 'pending, delivered or failed (given up)' }),
    attempts: z.number().int().openapi({ description: 'Attempts made', example: 1 }),
    response_status: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'HTTP status of the last answer', example: 200 }),
    last_error: z.string().nullable().openapi({ description: 'Why the last attempt failed' }),
    created_at: z.string().openapi({ description: 'When the event was written' }),
    delivered_at: z.string().nullable().openapi({ description: 'When it was delivered' }),
    next_attempt_at: z
      .string()
      .nullable()
      .openapi({ description: 'Pending: when the next attempt is due' }),
  })
  .openapi('WebhookDelivery');

export const DeliveryPageSchema = z
  .object({
    items: z.array(DeliverySchema).openapi({ description: 'Deliveries, newest first' }),
    next_cursor: NextCursorSchema,
    next: z.number().int().nullable().openapi({
      description:
        'Deprecated (removed in the next release): pass as before_id for the next page. Use `next_cursor`.',
      deprecated: true,
    }),
  })
  .openapi('WebhookDeliveryPage');

export const DeliveryQuerySchema = z.object({
  status: z
    .enum(DELIVERY_STATUSES)
    .optional()
    .openapi({ description: 'Only deliveries in this state' }),
  cursor: idCursor('webhook-deliveries'),
  before_id: z.coerce
    .number()
    .int()
    .min(1)
    .max(Number.MAX_SAFE_INTEGER)
    .optional()
    .openapi({
      description:
        'Deprecated (removed in the next release): only older deliveries. Use `cursor` instead; ignored when `cursor` is sent.',
      param: { deprecated: true },
    }),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(500)
    .default(50)
    .openapi({ description: 'Page size (1–500)', example: 50 }),
});

/** GET /api/v1/webhooks: a page of endpoints by id. */
export const WebhookListQuerySchema = z.strictObject({
  cursor: idCursor('webhooks'),
  limit: cursorLimit,
});

export const TestEventSentSchema = z
  .object({
    event_id: z.string().openapi({
      description: 'webhook-id of the test event',
      example: 'evt_6f1c0e0d2b8a4c51a7d9e3f2b1c0a9d8',
    }),
  })
  .openapi('WebhookTestSent');

const iso = (date: Date | null) => (date === null ? null : date.toISOString());

export const webhookJson = (endpoint: WebhookEndpoint) => ({
  id: endpoint.id,
  url: endpoint.url,
  kind: endpoint.kind,
  event_types: endpoint.eventTypes,
  enabled: endpoint.enabled,
  description: endpoint.description,
  has_secret: endpoint.hasSecret,
  previous_secret_until: iso(endpoint.previousSecretUntil),
  disabled_reason: endpoint.disabledReason,
  failing_since: iso(endpoint.failingSince),
  created_at: endpoint.createdAt.toISOString(),
  updated_at: endpoint.updatedAt.toISOString(),
});

export const deliveryJson = (delivery: WebhookDeliveryRecord) => ({
  id: delivery.id,
  event_id: delivery.eventId,
  event_type: delivery.eventType,
  status: delivery.status,
  attempts: delivery.attempts,
  response_status: delivery.responseStatus,
  last_error: delivery.lastError,
  created_at: delivery.createdAt.toISOString(),
  delivered_at: iso(delivery.deliveredAt),
  next_attempt_at: iso(delivery.nextAttemptAt),
});
