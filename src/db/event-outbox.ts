// The outbox's writer: events go into event_outbox, and each fans out into one webhook_delivery
// row per enabled endpoint subscribed to its type, in the transaction the caller passes (the
// change the event reports). Two statements per batch whatever its size: a multi-row insert of
// the events and one INSERT … SELECT that matches them against the endpoints. An event nobody
// subscribes to is still kept (the outbox is also the event log, pruned by retention).
import { randomBytes } from 'node:crypto';
import type { DomainEvent, EventType } from '../core/model/domain-event.ts';
import type { EventRecorder } from '../core/ports/event-outbox.ts';
import type { EventEnvelope } from '../events/envelope.ts';
import { Prisma, type Database, type DbClient } from './client.ts';

/** Events per statement: 4 bound values each stays far below every driver's parameter limit. */
const EVENTS_PER_STATEMENT = 1000;

/** The Standard Webhooks id of an event: the same on every attempt to every endpoint. */
export const newEventId = () => `evt_${randomBytes(16).toString('hex')}`;

export function envelopeBody(event: DomainEvent): string {
  const envelope: EventEnvelope = {
    type: event.type,
    timestamp: event.at.toISOString(),
    data: event.data,
  };
  return JSON.stringify(envelope);
}

/** An event_outbox row as every writer stores it (this one and strategy-change-sql.ts). */
export interface OutboxRow {
  eventId: string;
  type: EventType;
  occurredAt: Date;
  body: string;
}

export const outboxRow = (event: DomainEvent): OutboxRow => ({
  eventId: newEventId(),
  type: event.type,
  occurredAt: event.at,
  body: envelopeBody(event),
});

/** Writes `events` and their deliveries with `tx` (a transaction, or the client for one batch). */
export async function writeEvents(tx: DbClient, events: readonly DomainEvent[]): Promise<void> {
  for (let start = 0; start < events.length; start += EVENTS_PER_STATEMENT) {
    const rows = events.slice(start, start + EVENTS_PER_STATEMENT).map(outboxRow);
    await tx.eventOutbox.createMany({ data: rows });
    for (const type of new Set(rows.map((row) => row.type)))
      await fanOut(
        tx,
        type,
        rows.filter((row) => row.type === type).map((row) => row.eventId),
      );
  }
}

/** `value` matched literally by LIKE … ESCAPE '!' (a `!` escape reads the same on all three databases; a backslash does not). */
export const likeLiteral = (value: string) => value.replace(/[!%_]/g, (c) => `!${c}`);

/** The LIKE … ESCAPE '!' pattern of the endpoints subscribed to `type` (see fanOut). */
export const subscribedTo = (type: string) => `%,${likeLiteral(type)},%`;

/**
 * One delivery per (event, endpoint subscribed to `type`), due at once (next_attempt_at 0).
 * event_types is stored as `,a,b,`: the type between commas, its `_` and `%` escaped (unescaped,
 * `user_source.failed` would also match a `userXsource.failed`).
 */
async function fanOut(tx: DbClient, type: string, eventIds: string[]): Promise<void> {
  const now = new Date();
  await tx.$executeRaw`
    INSERT INTO webhook_delivery (endpoint_id, event_id, status, attempts, next_attempt_at, lease_until, created_at, updated_at)
    SELECT e.id, o.id, 'pending', 0, 0, 0, ${now}, ${now}
    FROM event_outbox o, webhook_endpoint e
    WHERE o.event_id IN (${Prisma.join(eventIds)}) AND e.enabled = ${true}
      AND e.event_types LIKE ${subscribedTo(type)} ESCAPE '!'`;
}

/** How long `wanted` trusts what it read: a new subscription takes effect within this. */
const SUBSCRIPTIONS_TTL_MS = 5_000;

export function createEventRecorder(
  database: Database,
  onError: (error: unknown) => void,
): EventRecorder & { refresh(): Promise<void> } {
  const { db } = database;
  let subscribed = new Set<string>();
  let readAt = -Infinity;
  const refresh = async () => {
    readAt = performance.now();
    const rows = await db.webhookEndpoint.findMany({
      where: { enabled: true },
      select: { eventTypes: true },
    });
    subscribed = new Set(rows.flatMap((row) => row.eventTypes.split(',').filter(Boolean)));
  };
  return {
    refresh,
    async record(events) {
      if (events.length === 0) return;
      await db.$transaction((tx) => writeEvents(tx, events));
    },
    wanted(type: EventType) {
      // Read in the background; the answer is at most one TTL old.
      if (performance.now() - readAt > SUBSCRIPTIONS_TTL_MS) refresh().catch(onError);
      return subscribed.has(type);
    },
  };
}
