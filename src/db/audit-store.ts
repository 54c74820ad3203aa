// AuditStore over audit_event, and the one writer of audit rows that other stores call inside
// their own transactions (so a change and its audit row commit or roll back together).
import type { AuditDraft, AuditEvent } from '../core/model/audit.ts';
import type { AuditFilter, AuditStore } from '../core/ports/stores.ts';
import { eventsForAudit } from '../core/model/audit-events.ts';
import type { Database, DbClient } from './client.ts';
import { writeEvents } from './event-outbox.ts';

/**
 * Writes one audit row with `tx` (a transaction or the client), and the events the audited
 * change is (core/model/audit-events.ts) into the outbox beside it.
 */
export async function writeAudit(tx: DbClient, draft: AuditDraft): Promise<void> {
  await writeEvents(tx, eventsForAudit(draft));
  // createMany: MySQL would read a created row back with a second statement, and nobody needs it.
  await tx.auditEvent.createMany({ data: [auditRow(draft)] });
}

/** The audit_event row of a draft, as every writer stores it (this one and strategy-change-sql.ts). */
export const auditRow = (draft: AuditDraft) => ({
  at: draft.at,
  actor: draft.actor,
  action: draft.action,
  targetType: draft.targetType,
  targetId: draft.targetId,
  changes: draft.changes === null ? null : JSON.stringify(draft.changes),
  requestId: draft.requestId,
});

interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  changes: string | null;
  requestId: string | null;
}

function toAuditEvent(row: AuditRow): AuditEvent {
  return {
    ...row,
    action: row.action as AuditEvent['action'],
    targetType: row.targetType as AuditEvent['targetType'],
    changes: row.changes === null ? null : (JSON.parse(row.changes) as AuditEvent['changes']),
  };
}

export function createAuditStore({ db }: Database): AuditStore {
  return {
    // An audited change with events (an approval) writes both or neither.
    record: (draft) =>
      eventsForAudit(draft).length === 0
        ? writeAudit(db, draft)
        : db.$transaction((tx) => writeAudit(tx, draft)),
    async list(filter: AuditFilter): Promise<AuditEvent[]> {
      const rows = await db.auditEvent.findMany({
        where: {
          targetType: filter.targetType,
          targetId: filter.targetId,
          actor: filter.actor,
          at: { gte: filter.from, lt: filter.to },
          id: filter.beforeId === undefined ? undefined : { lt: filter.beforeId },
        },
        orderBy: { id: 'desc' },
        take: filter.limit,
      });
      return rows.map(toAuditEvent);
    },
  };
}
