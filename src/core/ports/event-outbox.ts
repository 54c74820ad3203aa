// The event recorder: how the core hands events to the outbox (db/event-outbox.ts). Changes
// that have a transaction of their own carry their events into it (an audit draft's events,
// markOccurrenceHeld's, recordOutcomes'); these methods are for the rest.
import type { DomainEvent, EventType } from '../model/domain-event.ts';

export interface EventRecorder {
  /**
   * Writes events in a transaction of their own: for facts no database change stands for (the
   * breaker opening, a scan that failed, a run's summary).
   */
  record(events: DomainEvent[]): Promise<void>;
  /**
   * Whether an enabled endpoint subscribes to `type`, as read a few seconds ago: grant.applied
   * (one per user) is built only then.
   */
  wanted(type: EventType): boolean;
}
