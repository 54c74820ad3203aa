// The delivery worker's queue over webhook_delivery: take due rows under a lease (so one replica
// sends a given delivery at a time), record each attempt's outcome only while that lease holds,
// disable an endpoint that kept failing (with a webhook.disabled event, in the same
// transaction), the queue's depth and age for the metrics, and retention. Times compared across
// replicas are the database's (database-clock.ts).
import { randomBytes } from 'node:crypto';
import { domainEvent } from '../core/model/domain-event.ts';
import { Prisma, type Database } from './client.ts';
import { databaseNowSql } from './database-clock.ts';
import { writeEvents } from './event-outbox.ts';

export interface DueDelivery {
  id: number;
  /** This claim's lease holder: the outcome is recorded only under it. */
  holder: string;
  attempts: number;
  createdAt: Date;
  endpoint: { id: number; url: string; kind: string; secrets: string[] };
  event: { eventId: string; body: string };
}

export interface AttemptFailure {
  responseStatus: number | null;
  error: string;
  /** Next attempt in this many ms; null: give up (the retry period is over). */
  retryInMs: number | null;
}

export interface DeliveryQueue {
  claim(limit: number, leaseMs: number): Promise<DueDelivery[]>;
  succeeded(delivery: DueDelivery, responseStatus: number): Promise<boolean>;
  /** Records a failed attempt; true when it disabled the endpoint (failing for disableAfterMs). */
  failed(delivery: DueDelivery, failure: AttemptFailure, disableAfterMs: number): Promise<boolean>;
  /** Deliveries waiting for the worker: pending, to an enabled endpoint. */
  backlog(): Promise<{ pending: number; oldestCreatedAt: Date | null }>;
  /** Deletes delivered deliveries and unreferenced events older than `before`. */
  prune(before: Date): Promise<number>;
}

export function createDeliveryQueue({ db, kind }: Database): DeliveryQueue {
  const now = databaseNowSql(kind);
  return {
    async claim(limit, leaseMs) {
      const due = await db.$queryRaw<{ id: number }[]>`
        SELECT d.id FROM webhook_delivery d
        WHERE d.status = 'pending' AND d.next_attempt_at <= ${now} AND d.lease_until <= ${now}
          AND d.endpoint_id IN (SELECT e.id FROM webhook_endpoint e WHERE e.enabled = ${true})
        ORDER BY d.next_attempt_at, d.id LIMIT ${limit}`;
      if (due.length === 0) return [];
      const holder = `dl_${randomBytes(8).toString('hex')}`;
      // The same conditions again in the UPDATE: of two replicas that read the same rows, each
      // row goes to one of them.
      await db.$executeRaw`
        UPDATE webhook_delivery SET lease_holder = ${holder}, lease_until = ${now} + ${BigInt(leaseMs)}
        WHERE id IN (${Prisma.join(due.map((row) => row.id))})
          AND status = 'pending' AND lease_until <= ${now}`;
      const rows = await db.webhookDelivery.findMany({ where: { leaseHolder: holder } });
      if (rows.length === 0) return [];
      const [endpoints, events] = await Promise.all([
        db.webhookEndpoint.findMany({ where: { id: { in: rows.map((row) => row.endpointId) } } }),
        db.eventOutbox.findMany({ where: { id: { in: rows.map((row) => row.eventId) } } }),
      ]);
      const endpointById = new Map(endpoints.map((e) => [e.id, e]));
      const eventById = new Map(events.map((e) => [e.id, e]));
      const at = Date.now();
      return rows.flatMap((row): DueDelivery[] => {
        const endpoint = endpointById.get(row.endpointId);
        const event = eventById.get(row.eventId);
        if (endpoint === undefined || event === undefined) return [];
        const previous =
          endpoint.previousSecret !== null && (endpoint.previousSecretUntil?.getTime() ?? 0) > at
            ? [endpoint.previousSecret]
            : [];
        return [
          {
            id: row.id,
            holder,
            attempts: row.attempts,
            createdAt: row.createdAt,
            endpoint: {
              id: endpoint.id,
              url: endpoint.url,
              kind: endpoint.kind,
              secrets: endpoint.secret === null ? [] : [endpoint.secret, ...previous],
            },
            event: { eventId: event.eventId, body: event.body },
          },
        ];
      });
    },

    succeeded: (delivery, responseStatus) =>
      db.$transaction(async (tx) => {
        const changed = await tx.webhookDelivery.updateMany({
          where: { id: delivery.id, leaseHolder: delivery.holder, status: 'pending' },
          data: {
            status: 'delivered',
            attempts: { increment: 1 },
            responseStatus,
            lastError: null,
            deliveredAt: new Date(),
            leaseHolder: null,
            leaseUntil: 0n,
          },
        });
        await tx.webhookEndpoint.updateMany({
          where: { id: delivery.endpoint.id },
          data: { failingSince: null },
        });
        return changed.count === 1;
      }),

    failed: (delivery, failure, disableAfterMs) =>
      db.$transaction(async (tx) => {
        const next =
          failure.retryInMs === null
            ? Prisma.sql`status = 'failed'`
            : Prisma.sql`next_attempt_at = ${now} + ${BigInt(failure.retryInMs)}`;
        const changed = await tx.$executeRaw`
          UPDATE webhook_delivery SET ${next}, attempts = attempts + 1,
            response_status = ${failure.responseStatus}, last_error = ${failure.error.slice(0, 500)},
            lease_holder = NULL, lease_until = 0, updated_at = ${new Date()}
          WHERE id = ${delivery.id} AND lease_holder = ${delivery.holder} AND status = 'pending'`;
        if (changed === 0) return false;
        await tx.$executeRaw`
          UPDATE webhook_endpoint SET failing_since = ${now}
          WHERE id = ${delivery.endpoint.id} AND failing_since IS NULL`;
        const disabled = await tx.$executeRaw`
          UPDATE webhook_endpoint SET enabled = ${false},
            disabled_reason = ${`every delivery failed for ${disableAfterMs} ms; last: ${failure.error.slice(0, 200)}`}
          WHERE id = ${delivery.endpoint.id} AND enabled = ${true}
            AND failing_since IS NOT NULL AND failing_since <= ${now} - ${BigInt(disableAfterMs)}`;
        if (disabled === 0) return false;
        const event = domainEvent('webhook.disabled', new Date(), {
          endpoint_id: delivery.endpoint.id,
          failing_for_ms: disableAfterMs,
          last_error: failure.error.slice(0, 200),
        });
        await writeEvents(tx, [event]);
        return true;
      }),

    async backlog() {
      // A disabled endpoint's pending deliveries wait for a person, not for the worker: counted,
      // they would make the backlog alert fire until someone re-enables or deletes it.
      const enabled = await db.webhookEndpoint.findMany({
        where: { enabled: true },
        select: { id: true },
      });
      const waiting = { status: 'pending', endpointId: { in: enabled.map((e) => e.id) } };
      const [pending, oldest] = await Promise.all([
        db.webhookDelivery.count({ where: waiting }),
        db.webhookDelivery.findFirst({
          where: waiting,
          orderBy: { id: 'asc' },
          select: { createdAt: true },
        }),
      ]);
      return { pending, oldestCreatedAt: oldest?.createdAt ?? null };
    },

    async prune(before) {
      const deliveries = await db.webhookDelivery.deleteMany({
        where: { status: { in: ['delivered', 'failed'] }, updatedAt: { lt: before } },
      });
      const events = await db.$executeRaw`
        DELETE FROM event_outbox WHERE occurred_at < ${before}
          AND NOT EXISTS (SELECT 1 FROM webhook_delivery d WHERE d.event_id = event_outbox.id)`;
      return deliveries.count + events;
    },
  };
}
