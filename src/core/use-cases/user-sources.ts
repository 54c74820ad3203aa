// The user sources as the API, the CLI and the scheduler see them: their status, and starting a
// sync. Without USER_SOURCE_URL there is no source: the list is empty and a sync is 404.
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { USER_SOURCE_NAME, type UserSourceState } from '../model/user-sync.ts';
import type { UserSourceStateStore, UserSyncLease } from '../ports/user-source.ts';
import { emptyState, type UserSyncRequest } from '../user-source/sync-users.ts';
import type { StartedUserSync, UserSyncRunner } from '../user-source/user-sync-runner.ts';

export interface UserSourceService {
  /** postgresql, mysql or sqlite. */
  kind: string;
  cursorColumn: string | undefined;
  /** USER_SOURCE_TIMEZONE (else QM_TIMEZONE): the cron's zone and naive dates' zone. */
  timeZone: string;
  state: UserSourceStateStore;
  runner: UserSyncRunner;
  /** The runner's lease, asked whether a replica runs the sync now. */
  lease: Pick<UserSyncLease, 'heldByAnyone'>;
}

export interface SourceStatus extends UserSourceState {
  kind: string;
  cursorColumn: string | undefined;
  /** A run goes on, in this process or on a replica that holds the lease. */
  running: boolean;
  /** The last run never finished and nobody holds the lease: its process stopped mid-run. */
  abandoned: boolean;
  /** Seconds since the last run that finished without an error; null before the first. */
  lagSeconds: number | null;
}

type Deps = { userSource?: UserSourceService; clock: Clock };

export async function listSources(deps: Deps): Promise<SourceStatus[]> {
  const source = deps.userSource;
  if (source === undefined) return [];
  const state = (await source.state.read(USER_SOURCE_NAME)) ?? emptyState();
  const now = deps.clock.now().getTime();
  const unfinished = state.lastRun !== null && state.lastRun.finishedAt === null;
  // A run that never finished is going on only while some replica holds the lease (renewed
  // before every page); once the lease ran out its process is gone, whatever the status says.
  const running = source.runner.running || (unfinished && (await source.lease.heldByAnyone()));
  return [
    {
      ...state,
      kind: source.kind,
      cursorColumn: source.cursorColumn,
      running,
      abandoned: unfinished && !running,
      lagSeconds:
        state.lastSuccessAt === null
          ? null
          : Math.max(0, Math.round((now - state.lastSuccessAt.getTime()) / 1000)),
    },
  ];
}

export function startUserSync(deps: Deps, request: UserSyncRequest): Promise<StartedUserSync> {
  if (deps.userSource === undefined)
    return Promise.reject(
      new AppError('not_found', 'no user source is configured (set USER_SOURCE_URL)'),
    );
  return deps.userSource.runner.start(request);
}
