// What the user sync needs from the outside: the source's rows (read-only, in pages), where
// the last run left off, a lease so one run goes at a time across replicas, and the user rules
// a row must pass. src/sources/ reads the source; src/db/ keeps the state and the lease.
import type { ExclusiveLease } from './exclusive-lease.ts';
import type { CursorValue, UserSourceState, UserSyncRun } from '../model/user-sync.ts';
import type { UserUpsert } from '../model/user.ts';

/** One row as the source's driver returned it, keyed by the query's column names. */
export type SourceRow = Record<string, unknown>;

export interface SourceReadRequest {
  /** Read only rows whose `cursorColumn` is at or past `from`; absent: every row. */
  cursorColumn?: string;
  from?: CursorValue;
  pageSize: number;
}

export interface UserSourceReader {
  /** `postgresql`, `mysql` or `sqlite`: shown in the status. */
  readonly kind: string;
  /** The query's rows in pages, streamed: a page is read only when the previous one is done. */
  pages(request: SourceReadRequest): AsyncIterable<SourceRow[]>;
}

export interface UserSourceStateStore {
  read(source: string): Promise<UserSourceState | null>;
  save(state: UserSourceState): Promise<void>;
}

/** One run at a time across replicas. Renew before each page; a false renewal means lost. */
export type UserSyncLease = ExclusiveLease;

/**
 * The user rules (the same ones a PUT /api/v1/users body passes) applied to a record in the
 * API's shape (snake_case, ISO 8601 strings): the upsert, or the field at fault and why.
 */
export type UserRecordRules = (
  record: Record<string, unknown>,
) => { ok: true; user: UserUpsert } | { ok: false; field: string; message: string };

/** Told about every run that wrote (dry runs are not): the metrics. */
export interface UserSyncObserver {
  runFinished(run: UserSyncRun): void;
}
