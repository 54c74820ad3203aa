// What a user sync run needs and is asked: the ports (core/ports/user-source.ts) and the
// user_source settings, as the composition root (src/sources/build-user-source.ts) binds them.
import type { Clock } from '../clock.ts';
import type { Actor } from '../model/audit.ts';
import type { EventRecorder } from '../ports/event-outbox.ts';
import type { CoreLogger } from '../ports/runtime-services.ts';
import type { AuditStore, UserStore } from '../ports/stores.ts';
import type {
  UserRecordRules,
  UserSourceReader,
  UserSourceStateStore,
  UserSyncLease,
  UserSyncObserver,
} from '../ports/user-source.ts';

export interface UserSyncSettings {
  /** USER_SOURCE_CURSOR; unset: every run is full. */
  cursorColumn?: string;
  onDelete: 'keep' | 'delete';
  maxDeleteFraction: number;
  /** Zone of source dates written without an offset. */
  timeZone: string;
  fullEveryMs: number;
  pageSize: number;
}

export interface UserSyncDeps {
  reader: UserSourceReader;
  users: Pick<UserStore, 'upsertMany' | 'delete' | 'listIds' | 'count'>;
  state: UserSourceStateStore;
  lease: UserSyncLease;
  rules: UserRecordRules;
  audit: Pick<AuditStore, 'record'>;
  actor: Actor;
  clock: Clock;
  logger: CoreLogger;
  settings: UserSyncSettings;
  observer?: UserSyncObserver;
  /** Where a failed run becomes a user_source.failed event. */
  events?: Pick<EventRecorder, 'record'>;
}

export interface UserSyncRequest {
  /** Read every row and look for vanished users, whatever the schedule says. */
  full?: boolean;
  /** Report what would change; write nothing (no user, no status, no cursor). */
  dryRun?: boolean;
}

export class UserSyncLeaseLost extends Error {
  constructor() {
    super('the user sync lease was lost (another replica took it over): run stopped');
  }
}
