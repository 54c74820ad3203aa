// The audit trail as the operator reads it, and the one helper use cases write it with.
import { auditDraft, type AuditDraft, type AuditEvent } from '../model/audit.ts';
import type { AuditFilter } from '../ports/stores.ts';
import type { CoreDeps } from './deps.ts';

type Deps = Pick<CoreDeps, 'actor' | 'clock'>;

/** An audit row for this use case's actor, now. */
export const auditFor = (deps: Deps, event: Parameters<typeof auditDraft>[2]): AuditDraft =>
  auditDraft(deps.actor, deps.clock.now(), event);

/** One page, newest first, and the id to continue before (null on the last page). */
export async function auditTrail(
  deps: Pick<CoreDeps, 'audit'>,
  filter: AuditFilter,
): Promise<{ items: AuditEvent[]; next: number | null }> {
  const rows = await deps.audit.list({ ...filter, limit: filter.limit + 1 });
  const items = rows.slice(0, filter.limit);
  return { items, next: rows.length > filter.limit ? items[items.length - 1]!.id : null };
}
