// A user source (the operator's user database) as the sync sees it: where a run left off, and
// what the last run did. One record per source; `users` is the only source so far.

/** The one source name: GET /api/v1/sources lists it, POST /api/v1/sources/users/sync runs it. */
export const USER_SOURCE_NAME = 'users';

/**
 * A value of the cursor column, kept with its kind so the next run compares it the way the
 * source does: `instant` (a date with a zone, as ISO 8601), `wall` (a date and time without one,
 * as the source wrote it), `number` (decimal text, so 64-bit values survive), `text`.
 */
export interface CursorValue {
  kind: 'instant' | 'wall' | 'number' | 'text';
  value: string;
}

/** Why a full run deleted nobody although users had vanished from the source. */
export type DeletesRefused =
  /** The query answered no row at all: a broken query or an empty source must not wipe users. */
  | 'source_returned_no_rows'
  /** More than USER_SOURCE_MAX_DELETE_FRACTION of the users would have gone. */
  | 'too_many_deletes';

export interface UserSyncRun {
  startedAt: Date;
  /** Null while the run goes on. */
  finishedAt: Date | null;
  full: boolean;
  dryRun: boolean;
  rowsRead: number;
  /** Valid rows written (or, in a dry run, that would be). */
  upserted: number;
  /** Users removed because the source no longer has them (or, in a dry run, that would be). */
  deleted: number;
  /** Full runs: users the source no longer returns (deleted or not). */
  vanished: number;
  /** The first few vanished ids, for the operator to check. */
  vanishedIds: string[];
  deletesRefused: DeletesRefused | null;
  /** Rows skipped, by reason (e.g. `invalid_id`, `invalid_vip`). */
  rejected: Record<string, number>;
  /** The first few ids (or row numbers, when the id itself is unusable) per reason. */
  rejectedIds: Record<string, string[]>;
  /** One message per reason, from the first row refused for it. */
  rejectedExamples: Record<string, string>;
  /** The error that stopped the run, null when it ended normally. */
  error: string | null;
}

export interface UserSourceState {
  source: string;
  /** Where the next incremental run starts (before the overlap); null: never read. */
  cursor: CursorValue | null;
  lastFullAt: Date | null;
  /** The last completed (or running) run; null before the first. */
  lastRun: UserSyncRun | null;
  /** When a run last finished without an error. */
  lastSuccessAt: Date | null;
}
