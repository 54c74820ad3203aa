// One run of the user sync: read the source's rows (all of them, or those past the stored
// cursor), coerce and validate each through the user rules, upsert the valid ones in batches
// through the user store (so change_seq moves and incremental scans see them), and, on a full
// run, find the users the source no longer has. A bad row is skipped and counted, never fatal.
// The caller holds the lease (run-user-sync.ts); this renews it before every page.
import { auditDraft } from '../model/audit.ts';
import type { UserUpsert } from '../model/user.ts';
import type { CursorValue, UserSourceState, UserSyncRun } from '../model/user-sync.ts';
import { USER_SOURCE_NAME } from '../model/user-sync.ts';
import { coerceSourceRow, sourceRowId } from './coerce-source-row.ts';
import { Rejections } from './rejections.ts';
import { SeenIds } from './seen-ids.ts';
import { cursorOf, laterCursor, readFrom } from './source-cursor.ts';
import { handleVanishedUsers } from './vanished-users.ts';
import {
  UserSyncLeaseLost,
  type UserSyncDeps,
  type UserSyncRequest,
  type UserSyncSettings,
} from './sync-deps.ts';

export type { UserSyncDeps, UserSyncRequest, UserSyncSettings } from './sync-deps.ts';

export const emptyState = (): UserSourceState => ({
  source: USER_SOURCE_NAME,
  cursor: null,
  lastFullAt: null,
  lastRun: null,
  lastSuccessAt: null,
});

/** Full when asked, when there is no cursor to continue from, or when the last full run is old. */
export function isFullRun(
  request: UserSyncRequest,
  state: UserSourceState,
  settings: UserSyncSettings,
  now: Date,
): boolean {
  if (request.full === true || settings.cursorColumn === undefined || state.cursor === null)
    return true;
  return (
    state.lastFullAt === null || now.getTime() - state.lastFullAt.getTime() >= settings.fullEveryMs
  );
}

export async function runUserSync(
  deps: UserSyncDeps,
  request: UserSyncRequest,
): Promise<UserSyncRun> {
  const state = (await deps.state.read(USER_SOURCE_NAME)) ?? emptyState();
  const dryRun = request.dryRun === true;
  const run = newRun(
    deps.clock.now(),
    isFullRun(request, state, deps.settings, deps.clock.now()),
    dryRun,
  );
  if (!dryRun) await deps.state.save({ ...state, lastRun: run });
  let cursor = state.cursor;
  try {
    const read = await readSource(deps, run, run.full ? null : state.cursor);
    cursor = laterCursor(state.cursor, read.cursor);
    if (run.full) await handleVanishedUsers(deps, run, read.seen);
  } catch (error) {
    run.error = error instanceof Error ? error.message : String(error);
    deps.logger.error('user sync failed', { error: run.error, rows_read: run.rowsRead });
  }
  run.finishedAt = deps.clock.now();
  if (!dryRun) await deps.state.save(finishedState(state, run, cursor));
  if (!dryRun && run.error === null) await recordAudit(deps, run);
  if (!dryRun) deps.observer?.runFinished(run);
  deps.logger.info('user sync finished', summaryFields(run));
  return run;
}

function newRun(startedAt: Date, full: boolean, dryRun: boolean): UserSyncRun {
  return {
    startedAt,
    finishedAt: null,
    full,
    dryRun,
    rowsRead: 0,
    upserted: 0,
    deleted: 0,
    vanished: 0,
    vanishedIds: [],
    deletesRefused: null,
    rejected: {},
    rejectedIds: {},
    rejectedExamples: {},
    error: null,
  };
}

/** The cursor moves only after a run read to the end: an interrupted run is read again. */
function finishedState(
  state: UserSourceState,
  run: UserSyncRun,
  cursor: CursorValue | null,
): UserSourceState {
  const ok = run.error === null;
  return {
    ...state,
    cursor: ok ? cursor : state.cursor,
    lastFullAt: ok && run.full ? run.startedAt : state.lastFullAt,
    lastSuccessAt: ok ? run.finishedAt : state.lastSuccessAt,
    lastRun: run,
  };
}

interface SourceRead {
  /** Ids of every row with an id (valid or not): a user whose row is refused has not vanished. */
  seen: SeenIds | undefined;
  cursor: CursorValue | null;
}

async function readSource(
  deps: UserSyncDeps,
  run: UserSyncRun,
  stored: CursorValue | null,
): Promise<SourceRead> {
  const { settings } = deps;
  const seen = run.full ? new SeenIds() : undefined;
  const rejections = new Rejections();
  let cursor: CursorValue | null = null;
  const pages = deps.reader.pages({
    cursorColumn: settings.cursorColumn,
    from: stored === null ? undefined : readFrom(stored),
    pageSize: settings.pageSize,
  });
  for await (const rows of pages) {
    if (!(await deps.lease.renew())) throw new UserSyncLeaseLost();
    const batch: UserUpsert[] = [];
    for (const row of rows) {
      run.rowsRead++;
      if (settings.cursorColumn !== undefined)
        cursor = laterCursor(cursor, cursorOf(row[settings.cursorColumn]));
      const user = validRow(deps, row, run.rowsRead, rejections, seen);
      if (user !== null) batch.push(user);
    }
    if (batch.length > 0 && !run.dryRun) await deps.users.upsertMany(batch);
    run.upserted += batch.length;
    Object.assign(run, {
      rejected: rejections.counts,
      rejectedIds: rejections.ids,
      rejectedExamples: rejections.examples,
    });
  }
  seen?.seal();
  return { seen, cursor };
}

function validRow(
  deps: UserSyncDeps,
  row: Record<string, unknown>,
  rowNumber: number,
  rejections: Rejections,
  seen: SeenIds | undefined,
): UserUpsert | null {
  const coerced = coerceSourceRow(row, deps.settings.timeZone);
  const id = sourceRowId(row);
  if (id !== null) seen?.add(id);
  const where = id ?? `row ${rowNumber}`;
  if (!coerced.ok) {
    rejections.add(coerced.field, coerced.message, where, coerced.reason);
    return null;
  }
  const checked = deps.rules(coerced.record);
  if (!checked.ok) {
    rejections.add(checked.field, checked.message, where);
    return null;
  }
  return checked.user;
}

async function recordAudit(deps: UserSyncDeps, run: UserSyncRun): Promise<void> {
  if (run.upserted === 0 && run.deleted === 0) return;
  await deps.audit.record(
    auditDraft(deps.actor, deps.clock.now(), {
      action: 'users.import',
      targetType: 'user',
      targetId: '*',
      changes: {
        source: USER_SOURCE_NAME,
        full: run.full,
        upserted: run.upserted,
        deleted: run.deleted,
      },
    }),
  );
}

function summaryFields(run: UserSyncRun): Record<string, unknown> {
  return {
    full: run.full,
    dry_run: run.dryRun,
    rows_read: run.rowsRead,
    upserted: run.upserted,
    deleted: run.deleted,
    vanished: run.vanished,
    deletes_refused: run.deletesRefused,
    rejected: run.rejected,
    error: run.error,
  };
}
