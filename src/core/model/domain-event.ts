// The event catalogue (docs/events.md): every type the daemon emits, named once. Adding a type
// is one line here; tsc then asks for its wire schema and example (contract/schemas/events.ts),
// and a chat title falls back to the type's own name until events/chat/event-summary.ts has one.

export const EVENT_TYPES = [
  'occurrence.completed',
  'occurrence.held',
  'occurrence.approved',
  'grant.unknown',
  'grant.applied',
  'strategy.created',
  'strategy.updated',
  'strategy.enabled',
  'strategy.disabled',
  'strategy.deleted',
  'scan.failed',
  'gateway.unavailable',
  'gateway.recovered',
  'user_source.failed',
  'webhook.disabled',
  'webhook.test',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const isEventType = (value: string): value is EventType =>
  (EVENT_TYPES as readonly string[]).includes(value);

/** Facts of an event as JSON: snake_case keys, the wire's own values. */
export type EventData = Record<string, unknown>;

/** What happened, when (the daemon's clock), and its facts. */
export interface DomainEvent {
  type: EventType;
  at: Date;
  data: EventData;
}

export const domainEvent = (type: EventType, at: Date, data: EventData): DomainEvent => ({
  type,
  at,
  data,
});
