// WebhookStore over webhook_endpoint and webhook_delivery. Every change writes its audit row in
// the same transaction; secrets are written here and read back only by the delivery worker.
import { notFound } from '../core/errors.ts';
import { isEventType } from '../core/model/domain-event.ts';
import type {
  DeliveryStatus,
  WebhookDeliveryRecord,
  WebhookEndpoint,
  WebhookKind,
} from '../core/model/webhook.ts';
import type { WebhookStore } from '../core/ports/webhook-store.ts';
import { writeAudit } from './audit-store.ts';
import type { Database, DbClient } from './client.ts';
import { envelopeBody, newEventId } from './event-outbox.ts';

type EndpointRow = Awaited<ReturnType<DbClient['webhookEndpoint']['findUniqueOrThrow']>>;

/** `,a,b,`: what the fan-out's LIKE matches (event-outbox.ts). */
export const storedTypes = (types: readonly string[]) => `,${[...new Set(types)].join(',')},`;

function toEndpoint(row: EndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    url: row.url,
    kind: row.kind as WebhookKind,
    eventTypes: row.eventTypes.split(',').filter(isEventType),
    enabled: row.enabled,
    description: row.description,
    hasSecret: row.secret !== null,
    previousSecretUntil: row.previousSecretUntil,
    disabledReason: row.disabledReason,
    failingSince: row.failingSince === null ? null : new Date(Number(row.failingSince)),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

async function existing(tx: DbClient, id: number): Promise<EndpointRow> {
  const row = await tx.webhookEndpoint.findUnique({ where: { id } });
  if (row === null) throw notFound('webhook', id);
  return row;
}

export function createWebhookStore({ db }: Database): WebhookStore {
  return {
    async list({ afterId, limit }) {
      const [rows, total] = await Promise.all([
        db.webhookEndpoint.findMany({
          where: { id: { gt: afterId } },
          orderBy: { id: 'asc' },
          take: limit,
        }),
        db.webhookEndpoint.count(),
      ]);
      return { items: rows.map(toEndpoint), total };
    },

    get: async (id) => toEndpoint(await existing(db, id)),

    create: (input, audit) =>
      db.$transaction(async (tx) => {
        const row = await tx.webhookEndpoint.create({
          data: {
            url: input.url,
            kind: input.kind,
            eventTypes: storedTypes(input.eventTypes),
            enabled: input.enabled,
            description: input.description,
            secret: input.secret,
          },
        });
        await writeAudit(tx, { ...audit, targetId: String(row.id) });
        return toEndpoint(row);
      }),

    update: (id, patch, audit) =>
      db.$transaction(async (tx) => {
        await existing(tx, id);
        const reenabled =
          patch.enabled === true ? { disabledReason: null, failingSince: null } : {};
        const row = await tx.webhookEndpoint.update({
          where: { id },
          data: {
            url: patch.url,
            eventTypes: patch.eventTypes && storedTypes(patch.eventTypes),
            enabled: patch.enabled,
            description: patch.description,
            secret: patch.secret,
            ...reenabled,
          },
        });
        await writeAudit(tx, audit);
        return toEndpoint(row);
      }),

    delete: (id, audit) =>
      db.$transaction(async (tx) => {
        await existing(tx, id);
        await tx.webhookDelivery.deleteMany({ where: { endpointId: id } });
        await tx.webhookEndpoint.delete({ where: { id } });
        await writeAudit(tx, audit);
      }),

    rotateSecret: (id, secret, previousUntil, audit) =>
      db.$transaction(async (tx) => {
        const before = await existing(tx, id);
        const row = await tx.webhookEndpoint.update({
          where: { id },
          data: { secret, previousSecret: before.secret, previousSecretUntil: previousUntil },
        });
        await writeAudit(tx, audit);
        return toEndpoint(row);
      }),

    async deliveries(endpointId, { status, beforeId, limit }) {
      const rows = await db.webhookDelivery.findMany({
        where: { endpointId, status, id: beforeId === undefined ? undefined : { lt: beforeId } },
        orderBy: { id: 'desc' },
        take: limit,
      });
      const events = await db.eventOutbox.findMany({
        where: { id: { in: rows.map((row) => row.eventId) } },
        select: { id: true, eventId: true, type: true },
      });
      const byId = new Map(events.map((event) => [event.id, event]));
      return rows.map((row): WebhookDeliveryRecord => ({
        id: row.id,
        endpointId: row.endpointId,
        eventId: byId.get(row.eventId)?.eventId ?? '',
        eventType: byId.get(row.eventId)?.type ?? '',
        status: row.status as DeliveryStatus,
        attempts: row.attempts,
        responseStatus: row.responseStatus,
        lastError: row.lastError,
        createdAt: row.createdAt,
        deliveredAt: row.deliveredAt,
        nextAttemptAt: row.status === 'pending' ? new Date(Number(row.nextAttemptAt)) : null,
      }));
    },

    retryDelivery: (endpointId, deliveryId, audit) =>
      db.$transaction(async (tx) => {
        const moved = await tx.webhookDelivery.updateMany({
          where: { id: deliveryId, endpointId },
          data: { status: 'pending', nextAttemptAt: 0n, leaseUntil: 0n, leaseHolder: null },
        });
        if (moved.count === 0) throw notFound('delivery', deliveryId);
        await writeAudit(tx, audit);
      }),

    sendTest: (endpointId, event, audit) =>
      db.$transaction(async (tx) => {
        await existing(tx, endpointId);
        const eventId = newEventId();
        const row = await tx.eventOutbox.create({
          data: { eventId, type: event.type, occurredAt: event.at, body: envelopeBody(event) },
        });
        await tx.webhookDelivery.create({
          data: { endpointId, eventId: row.id, status: 'pending', nextAttemptAt: 0n },
        });
        await writeAudit(tx, audit);
        return eventId;
      }),
  };
}
