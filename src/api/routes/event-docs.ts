// The events a webhook endpoint receives, in the OpenAPI document's `webhooks` (OpenAPI 3.1):
// one entry per catalogue type, its body the envelope with that type's `data` schema and an
// example, so a receiver can generate its parsing from the same document as the API.
import { EVENT_TYPES } from '../../core/model/domain-event.ts';
import { eventEnvelopeSchema, eventExample } from '../../contract/schemas/events.ts';
import type { ApiApp } from '../router.ts';

export function registerEventWebhooks(app: ApiApp): void {
  for (const type of EVENT_TYPES)
    app.openAPIRegistry.registerWebhook({
      method: 'post',
      path: type,
      operationId: `event_${type.replace('.', '_')}`,
      // The daemon sends these; the receiver's own authentication is the signature.
      security: [],
      tags: ['webhooks'],
      summary: `The ${type} event, as a kind-webhook endpoint receives it`,
      description:
        'Signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`); see docs/events.md.',
      request: {
        body: {
          required: true,
          content: {
            'application/json': { schema: eventEnvelopeSchema(type), example: eventExample(type) },
          },
        },
      },
      responses: {
        200: { description: 'Any 2xx: delivered' },
        400: { description: 'Any other answer (or none within WEBHOOK_TIMEOUT_MS): retried' },
      },
    });
}
