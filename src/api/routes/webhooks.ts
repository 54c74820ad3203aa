// /api/v1/webhooks — where events go (docs/events.md): endpoints, their deliveries, a retry, a
// test event and the secret's rotation. Viewers read; changes need an admin token.
import { createRoute } from '@hono/zod-openapi';
import { countedPageJson } from '../counted-page.ts';
import { actingApp, type ApiDeps } from '../deps.ts';
import { body, json } from '../route-helpers.ts';
import { newRouter } from '../router.ts';
import { problemResponses, routeProblem } from '../../contract/schemas.ts';
import { encodeCursor } from '../../contract/schemas/cursor.ts';
import {
  DeliveryPageSchema,
  DeliveryParamSchema,
  DeliveryQuerySchema,
  TestEventSentSchema,
  WebhookCreateSchema,
  WebhookIdParamSchema,
  WebhookListQuerySchema,
  WebhookListSchema,
  WebhookPatchSchema,
  WebhookSchema,
  WebhookWithSecretSchema,
  deliveryJson,
  webhookJson,
} from '../../contract/schemas/webhooks.ts';

const notFound = {
  404: routeProblem('No such endpoint (or delivery)', {
    not_found: { code: 'not_found', detail: 'webhook 7 does not exist' },
  }),
};
const params = { params: WebhookIdParamSchema };

const list = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listWebhooks',
  tags: ['webhooks'],
  summary: 'Webhook endpoints (secrets are never shown), by id',
  request: { query: WebhookListQuerySchema },
  responses: { 200: json(WebhookListSchema, 'A page of endpoints, by id'), ...problemResponses },
});

const create = createRoute({
  method: 'post',
  path: '/',
  operationId: 'createWebhook',
  tags: ['webhooks'],
  summary: 'Add an endpoint; a `webhook` gets its `whsec_` secret in this answer only',
  request: body(WebhookCreateSchema, {
    webhook: {
      summary: 'A Standard Webhooks receiver',
      value: { url: 'https://hooks.example.com/quota', event_types: ['occurrence.held'] },
    },
    feishu: {
      summary: 'A Feishu bot with signing',
      value: {
        url: 'https://open.feishu.cn/open-apis/bot/v2/hook/abc',
        kind: 'feishu',
        event_types: ['occurrence.held', 'gateway.unavailable'],
        secret: 'SECxxxxxxxxxxxxxxxx',
      },
    },
  }),
  responses: {
    201: json(WebhookWithSecretSchema, 'Created; the secret is not shown again'),
    ...problemResponses,
  },
});

const get = createRoute({
  method: 'get',
  path: '/{id}',
  operationId: 'getWebhook',
  tags: ['webhooks'],
  summary: 'One endpoint',
  request: params,
  responses: { 200: json(WebhookSchema, 'The endpoint'), ...problemResponses, ...notFound },
});

const patch = createRoute({
  method: 'patch',
  path: '/{id}',
  operationId: 'updateWebhook',
  tags: ['webhooks'],
  summary: 'Change an endpoint; `enabled: true` re-enables one the daemon disabled',
  request: {
    ...params,
    ...body(WebhookPatchSchema, {
      disable: { summary: 'Stop sending', value: { enabled: false } },
    }),
  },
  responses: { 200: json(WebhookSchema, 'The endpoint'), ...problemResponses, ...notFound },
});

const remove = createRoute({
  method: 'delete',
  path: '/{id}',
  operationId: 'deleteWebhook',
  tags: ['webhooks'],
  summary: 'Delete an endpoint and its deliveries',
  request: params,
  responses: { 204: { description: 'Deleted' }, ...problemResponses, ...notFound },
});

const rotate = createRoute({
  method: 'post',
  path: '/{id}/rotate-secret',
  operationId: 'rotateWebhookSecret',
  tags: ['webhooks'],
  summary: 'A new secret; deliveries carry both signatures for WEBHOOK_SECRET_OVERLAP_MS',
  request: params,
  responses: {
    200: json(WebhookWithSecretSchema, 'The new secret, shown in this answer only'),
    ...problemResponses,
    ...notFound,
  },
});

const deliveries = createRoute({
  method: 'get',
  path: '/{id}/deliveries',
  operationId: 'listWebhookDeliveries',
  tags: ['webhooks'],
  summary: 'Deliveries to this endpoint, newest first',
  request: { ...params, query: DeliveryQuerySchema },
  responses: { 200: json(DeliveryPageSchema, 'One page'), ...problemResponses, ...notFound },
});

const retry = createRoute({
  method: 'post',
  path: '/{id}/deliveries/{delivery}/retry',
  operationId: 'retryWebhookDelivery',
  tags: ['webhooks'],
  summary: 'Send a delivery again now (also one given up)',
  request: { params: DeliveryParamSchema },
  responses: { 202: { description: 'Due at once' }, ...problemResponses, ...notFound },
});

const test = createRoute({
  method: 'post',
  path: '/{id}/test',
  operationId: 'sendWebhookTestEvent',
  tags: ['webhooks'],
  summary: 'Send a webhook.test event to this endpoint only',
  request: params,
  responses: { 202: json(TestEventSentSchema, 'Queued'), ...problemResponses, ...notFound },
});

export function registerWebhookRoutes(deps: ApiDeps) {
  return newRouter()
    .openapi(list, async (c) => {
      const q = c.req.valid('query');
      const page = await actingApp(deps, c).listWebhooks({
        afterId: q.cursor ?? 0,
        limit: q.limit,
      });
      return c.json(countedPageJson('webhooks', page, webhookJson), 200);
    })
    .openapi(create, async (c) => {
      const input = c.req.valid('json');
      const { endpoint, secret } = await actingApp(deps, c).createWebhook({
        url: input.url,
        kind: input.kind,
        eventTypes: input.event_types,
        enabled: input.enabled,
        description: input.description,
        secret: input.secret ?? null,
      });
      return c.json({ webhook: webhookJson(endpoint), secret }, 201);
    })
    .openapi(get, async (c) =>
      c.json(webhookJson(await actingApp(deps, c).getWebhook(c.req.valid('param').id)), 200),
    )
    .openapi(patch, async (c) => {
      const input = c.req.valid('json');
      const endpoint = await actingApp(deps, c).updateWebhook(c.req.valid('param').id, {
        url: input.url,
        eventTypes: input.event_types,
        enabled: input.enabled,
        description: input.description,
        secret: input.secret,
      });
      return c.json(webhookJson(endpoint), 200);
    })
    .openapi(remove, async (c) => {
      await actingApp(deps, c).deleteWebhook(c.req.valid('param').id);
      return c.body(null, 204);
    })
    .openapi(rotate, async (c) => {
      const { endpoint, secret } = await actingApp(deps, c).rotateWebhookSecret(
        c.req.valid('param').id,
      );
      return c.json({ webhook: webhookJson(endpoint), secret }, 200);
    })
    .openapi(deliveries, async (c) => {
      const query = c.req.valid('query');
      const page = await actingApp(deps, c).webhookDeliveries(c.req.valid('param').id, {
        status: query.status,
        beforeId: query.cursor ?? query.before_id,
        limit: query.limit,
      });
      return c.json(
        {
          items: page.items.map(deliveryJson),
          next_cursor: encodeCursor('webhook-deliveries', page.next),
          next: page.next,
        },
        200,
      );
    })
    .openapi(retry, async (c) => {
      const { id, delivery } = c.req.valid('param');
      await actingApp(deps, c).retryWebhookDelivery(id, delivery);
      return c.body(null, 202);
    })
    .openapi(test, async (c) => {
      const eventId = await actingApp(deps, c).sendTestEvent(c.req.valid('param').id);
      return c.json({ event_id: eventId }, 202);
    });
}
