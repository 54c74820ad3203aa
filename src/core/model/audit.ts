// The audit trail: who changed what, when, through which request. One row per request that
// changes something (a bulk import is one row with counts, not one per user).

export const AUDIT_ACTIONS = [
  'strategy.create',
  'strategy.update',
  'strategy.enable',
  'strategy.disable',
  'strategy.delete',
  'strategy.run',
  'scan.run',
  'occurrence.approve',
  'occurrence.dismiss',
  'grant.resolve',
  'user.upsert',
  'user.delete',
  'users.import',
  'ledger.prune',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_TARGET_TYPES = ['strategy', 'user', 'grant', 'scan', 'ledger'] as const;
export type AuditTargetType = (typeof AUDIT_TARGET_TYPES)[number];

/** Who is asking: a token's name ("admin" for ADMIN_TOKEN), "cli", or "system" for the daemon. */
export interface Actor {
  name: string;
  /** The HTTP request id, when the change came through the API. */
  requestId?: string | null;
}

/** The daemon itself (cron ticks). */
export const SYSTEM_ACTOR: Actor = Object.freeze({ name: 'system', requestId: null });

/** JSON-able detail of a change: before/after of changed fields, or counts. */
export type AuditChanges = Record<string, unknown>;

export interface AuditEvent {
  id: number;
  at: Date;
  actor: string;
  action: AuditAction;
  targetType: AuditTargetType;
  targetId: string;
  changes: AuditChanges | null;
  requestId: string | null;
}

/** What a use case hands to a store to write (in the same transaction as the change when it can). */
export type AuditDraft = Omit<AuditEvent, 'id'>;

export function auditDraft(
  actor: Actor,
  at: Date,
  event: Pick<AuditEvent, 'action' | 'targetType' | 'targetId'> & { changes?: AuditChanges | null },
): AuditDraft {
  return {
    at,
    actor: actor.name,
    requestId: actor.requestId ?? null,
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    changes: event.changes ?? null,
  };
}

/**
 * The fields whose value differs, as `{ field: { before, after } }`. Dates are compared and
 * shown as ISO text so the trail reads the same whatever the store returned.
 */
export function changedFields<T extends object>(before: T, after: T): AuditChanges {
  const plain = (value: unknown) => (value instanceof Date ? value.toISOString() : value);
  const changes: AuditChanges = {};
  for (const key of Object.keys(after) as (keyof T & string)[]) {
    const [b, a] = [plain(before[key]), plain(after[key])];
    if (JSON.stringify(b) !== JSON.stringify(a)) changes[key] = { before: b, after: a };
  }
  return changes;
}
