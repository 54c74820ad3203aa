// One user sync at a time: across replicas by the lease, inside this process by a flag (so a
// second request is answered 409 at once rather than after a database round trip). start()
// takes the lease before it returns, so "started" (202) and "already running" (409) are
// decided on the spot; the run itself goes on in the background.
import { AppError } from '../errors.ts';
import type { UserSyncRun } from '../model/user-sync.ts';
import { runUserSync, type UserSyncDeps, type UserSyncRequest } from './sync-users.ts';

export interface StartedUserSync {
  /** Settles when the run ends (a failed run carries its error); rejects only when its status cannot be read or written. */
  done: Promise<UserSyncRun>;
}

export class UserSyncRunner {
  private current: Promise<UserSyncRun> | undefined;

  constructor(private readonly deps: UserSyncDeps) {}

  get running(): boolean {
    return this.current !== undefined;
  }

  /** 409 (`conflict`) while a run goes on here or on another replica. */
  async start(request: UserSyncRequest): Promise<StartedUserSync> {
    if (this.current !== undefined || !(await this.takeLease())) throw alreadyRunning();
    const done = this.runHoldingLease(request);
    this.current = done;
    return { done };
  }

  /** The run in progress, if any (shutdown waits for it). */
  settled(): Promise<unknown> {
    return this.current ?? Promise.resolve();
  }

  private async takeLease(): Promise<boolean> {
    // Claimed before the await so two calls in one tick cannot both pass.
    this.current = Promise.resolve(undefined as never);
    try {
      return await this.deps.lease.acquire();
    } finally {
      this.current = undefined;
    }
  }

  private async runHoldingLease(request: UserSyncRequest): Promise<UserSyncRun> {
    try {
      return await runUserSync(this.deps, request);
    } finally {
      await this.deps.lease.release().catch((error: unknown) =>
        this.deps.logger.warn('user sync lease release failed', {
          error: error instanceof Error ? error.message : String(error),
        }),
      );
      this.current = undefined;
    }
  }
}

const alreadyRunning = () =>
  new AppError('conflict', 'a user sync is already running (here or on another replica)');
