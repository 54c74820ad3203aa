// Webhook endpoints as the operator manages them (docs/events.md): create (a `webhook` gets a
// daemon-made `whsec_` secret, shown in this answer only), change, delete, rotate the secret
// (the old one is still signed with for a while), list deliveries, retry one, send a test
// event. Every change is audited; every target is checked before it is saved.
import { AppError } from '../errors.ts';
import { domainEvent } from '../model/domain-event.ts';
import type { WebhookEndpoint, WebhookInput, WebhookPatch } from '../model/webhook.ts';
import type { DeliveryStatus } from '../model/webhook.ts';
import type { WebhookServices } from '../ports/webhook-store.ts';
import { auditFor } from './audit-trail.ts';
import type { CoreDeps } from './deps.ts';
import { keysetPage } from './keyset-page.ts';

type Deps = Pick<CoreDeps, 'actor' | 'clock' | 'webhooks'>;

function services(deps: Deps): WebhookServices {
  if (deps.webhooks === undefined) throw new AppError('not_found', 'webhooks are not available');
  return deps.webhooks;
}

/** A signing secret belongs to the kinds that sign with the operator's (the bots' own). */
function checkSecret(kind: WebhookInput['kind'], secret: string | null | undefined): void {
  if (secret === null || secret === undefined) return;
  if (kind !== 'feishu' && kind !== 'dingtalk')
    throw new AppError('validation_failed', `an endpoint of kind ${kind} takes no secret`, [
      {
        field: 'secret',
        message:
          kind === 'webhook'
            ? 'the daemon makes a webhook secret itself (rotate it with POST …/rotate-secret)'
            : `${kind} bots do not sign: the URL is the secret`,
      },
    ]);
}

const audit = (
  deps: Deps,
  action: Parameters<typeof auditFor>[1]['action'],
  id: number | string,
  changes?: Record<string, unknown>,
) =>
  auditFor(deps, { action, targetType: 'webhook', targetId: String(id), changes: changes ?? null });

export async function createWebhook(
  deps: Deps,
  input: WebhookInput,
): Promise<{ endpoint: WebhookEndpoint; secret: string | null }> {
  const webhooks = services(deps);
  checkSecret(input.kind, input.secret);
  await webhooks.checkTarget(input.url);
  const secret = input.kind === 'webhook' ? webhooks.newSecret() : input.secret;
  const endpoint = await webhooks.store.create(
    { ...input, secret },
    audit(deps, 'webhook.create', 0, { kind: input.kind, event_types: input.eventTypes }),
  );
  return { endpoint, secret: input.kind === 'webhook' ? secret : null };
}

export async function updateWebhook(deps: Deps, id: number, patch: WebhookPatch) {
  const webhooks = services(deps);
  const current = await webhooks.store.get(id);
  checkSecret(current.kind, patch.secret);
  if (patch.url !== undefined) await webhooks.checkTarget(patch.url);
  const changed = Object.keys(patch).filter((key) => key !== 'secret');
  return webhooks.store.update(id, patch, audit(deps, 'webhook.update', id, { fields: changed }));
}

/** A page of endpoints by id, and the id to continue after (null on the last page). */
export async function listWebhooks(deps: Deps, page: { afterId: number; limit: number }) {
  const read = await services(deps).store.list({ ...page, limit: page.limit + 1 });
  return keysetPage(read, page.limit, (endpoint) => endpoint.id);
}
export const getWebhook = (deps: Deps, id: number) => services(deps).store.get(id);

export const deleteWebhook = (deps: Deps, id: number) =>
  services(deps).store.delete(id, audit(deps, 'webhook.delete', id));

export async function rotateWebhookSecret(deps: Deps, id: number) {
  const webhooks = services(deps);
  const current = await webhooks.store.get(id);
  if (current.kind !== 'webhook')
    throw new AppError(
      'validation_failed',
      `endpoint ${id} is a ${current.kind} bot: change its secret with PATCH (the bot makes it)`,
    );
  const secret = webhooks.newSecret();
  const until = new Date(deps.clock.now().getTime() + webhooks.rotationOverlapMs);
  const endpoint = await webhooks.store.rotateSecret(
    id,
    secret,
    until,
    audit(deps, 'webhook.rotate_secret', id, { previous_secret_until: until.toISOString() }),
  );
  return { endpoint, secret };
}

export async function webhookDeliveries(
  deps: Deps,
  id: number,
  filter: { status?: DeliveryStatus; beforeId?: number; limit: number },
) {
  const webhooks = services(deps);
  await webhooks.store.get(id);
  const rows = await webhooks.store.deliveries(id, { ...filter, limit: filter.limit + 1 });
  const items = rows.slice(0, filter.limit);
  return { items, next: rows.length > filter.limit ? items[items.length - 1]!.id : null };
}

export const retryWebhookDelivery = (deps: Deps, id: number, deliveryId: number) =>
  services(deps).store.retryDelivery(
    id,
    deliveryId,
    audit(deps, 'webhook.retry', id, { delivery_id: deliveryId }),
  );

export async function sendTestEvent(deps: Deps, id: number): Promise<string> {
  const webhooks = services(deps);
  const endpoint = await webhooks.store.get(id);
  const event = domainEvent('webhook.test', deps.clock.now(), {
    endpoint_id: endpoint.id,
    message: 'a test event from quota-manager',
    actor: deps.actor.name,
  });
  return webhooks.store.sendTest(id, event, audit(deps, 'webhook.test', id));
}
