// Full runs: the users quota-manager has that the source no longer returns. With
// USER_SOURCE_ON_DELETE=delete they are deleted, unless the guard refuses: a query that answered
// no row at all deletes nobody (a renamed table, a wrong schema, an empty replica), and neither
// does a run that would delete more than USER_SOURCE_MAX_DELETE_FRACTION of the users. Either
// refusal is written in the run's status with its reason, and the users stay.
//
// The source is the whole truth for user_info here: a user added by hand or by CSV that the
// source does not have counts as vanished too (docs/user-sources.md says so).
import { auditDraft } from '../model/audit.ts';
import type { UserSyncRun } from '../model/user-sync.ts';
import type { SeenIds } from './seen-ids.ts';
import { UserSyncLeaseLost, type UserSyncDeps } from './sync-deps.ts';

/** Ids kept in the status for the operator to check. */
export const VANISHED_IDS_KEPT = 20;
const ID_PAGE = 1000;

export async function handleVanishedUsers(
  deps: Pick<UserSyncDeps, 'users' | 'settings' | 'lease' | 'actor' | 'clock' | 'logger'>,
  run: UserSyncRun,
  seen: SeenIds | undefined,
): Promise<void> {
  if (seen === undefined) return;
  const total = await deps.users.count();
  for await (const id of vanishedIds(deps, seen)) {
    run.vanished++;
    if (run.vanishedIds.length < VANISHED_IDS_KEPT) run.vanishedIds.push(id);
  }
  if (run.vanished === 0) return;
  if (run.rowsRead === 0) run.deletesRefused = 'source_returned_no_rows';
  else if (run.vanished > total * deps.settings.maxDeleteFraction)
    run.deletesRefused = 'too_many_deletes';
  if (run.deletesRefused !== null) {
    deps.logger.warn('user sync deleted nobody', {
      reason: run.deletesRefused,
      vanished: run.vanished,
      users: total,
      max_delete_fraction: deps.settings.maxDeleteFraction,
    });
    return;
  }
  if (deps.settings.onDelete !== 'delete') return;
  if (run.dryRun) {
    run.deleted = run.vanished;
    return;
  }
  await deleteVanished(deps, run, seen);
}

/** Our ids, by the database's own order, that the source did not return. */
async function* vanishedIds(
  deps: Pick<UserSyncDeps, 'users'>,
  seen: SeenIds,
): AsyncGenerator<string> {
  let after: string | undefined;
  for (;;) {
    const ids = await deps.users.listIds(after, ID_PAGE);
    for (const id of ids) if (!seen.has(id)) yield id;
    if (ids.length < ID_PAGE) return;
    after = ids[ids.length - 1];
  }
}

async function deleteVanished(
  deps: Pick<UserSyncDeps, 'users' | 'lease' | 'actor' | 'clock'>,
  run: UserSyncRun,
  seen: SeenIds,
): Promise<void> {
  const doomed: string[] = [];
  for await (const id of vanishedIds(deps, seen)) doomed.push(id);
  for (const id of doomed) {
    if (run.deleted % ID_PAGE === 0 && !(await deps.lease.renew())) throw new UserSyncLeaseLost();
    const audit = auditDraft(deps.actor, deps.clock.now(), {
      action: 'user.delete',
      targetType: 'user',
      targetId: id,
      changes: { reason: 'vanished from the user source' },
    });
    if (await deps.users.delete(id, audit)) run.deleted++;
  }
}
