// The user sources as the API, the CLI and the scheduler see them: their status, and starting a
// sync. Without USER_SOURCE_URL there is no source: the list is empty and a sync is 404.
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { USER_SOURCE_NAME, type UserSourceState } from '../model/user-sync.ts';
import type { UserSourceStateStore } from '../ports/user-source.ts';
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
}

export interface SourceStatus extends UserSourceState {
  kind: string;
  cursorColumn: string | undefined;
  running: boolean;
  /** Seconds since the last run that finished without an error; null before the first. */
  lagSeconds: number | null;
}

type Deps = { userSource?: UserSourceService; clock: Clock };

export async function listSources(deps: Deps): Promise<SourceStatus[]> {
  const source = deps.userSource;
  if (source === undefined) return [];
  const state = (await source.state.read(USER_SOURCE_NAME)) ?? emptyState();
  const now = deps.clock.now().getTime();
  return [
    {
      ...state,
      kind: source.kind,
      cursorColumn: source.cursorColumn,
      // A run that started and never finished (its process died) shows as running until the
      // lease runs out and the next run overwrites it; this process knows its own for sure.
      running:
        source.runner.running || (state.lastRun !== null && state.lastRun.finishedAt === null),
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
