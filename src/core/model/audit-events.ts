// The events an audited change also is. A strategy change and its audit row are written in one
// transaction by the store; deriving the event from the same draft puts it in that transaction
// too, so a change that rolls back (a 412, a duplicate name) leaves neither row nor event.
import type { AuditDraft } from './audit.ts';
import { changesInWireNames } from './audit-wire-names.ts';
import { domainEvent, type DomainEvent, type EventType } from './domain-event.ts';

const EVENT_OF_ACTION: Partial<Record<AuditDraft['action'], EventType>> = {
  'strategy.create': 'strategy.created',
  'strategy.update': 'strategy.updated',
  'strategy.enable': 'strategy.enabled',
  'strategy.disable': 'strategy.disabled',
  'strategy.delete': 'strategy.deleted',
  'occurrence.approve': 'occurrence.approved',
};

export function eventsForAudit(draft: AuditDraft): DomainEvent[] {
  const type = EVENT_OF_ACTION[draft.action];
  if (type === undefined) return [];
  const strategyId = Number(draft.targetId);
  const data =
    type === 'occurrence.approved'
      ? {
          strategy_id: strategyId,
          occurrence: draft.changes?.occurrence ?? null,
          approved_users: draft.changes?.approved_users ?? null,
          approved_amount: draft.changes?.approved_amount ?? null,
          actor: draft.actor,
        }
      : {
          strategy_id: strategyId,
          actor: draft.actor,
          changes: changesInWireNames(draft.changes ?? {}),
        };
  return [domainEvent(type, draft.at, data)];
}
