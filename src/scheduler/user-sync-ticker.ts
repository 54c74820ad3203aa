// The node-cron adapter of the user sync: a tick on USER_SOURCE_CRON starts a run and waits for
// it. A tick that finds a run going (here, or on another replica: 409) skips; stop() waits for
// the run in flight so shutdown does not cut a batch of upserts in half.
import cron, { type ScheduledTask } from 'node-cron';
import { AppError } from '../core/errors.ts';
import type { UserSyncRun } from '../core/model/user-sync.ts';
import type { CoreLogger } from '../core/ports/runtime-services.ts';

export class UserSyncTicker {
  private task: ScheduledTask | undefined;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly logger: CoreLogger,
    private readonly start: () => Promise<{ done: Promise<UserSyncRun> }>,
  ) {}

  schedule(expression: string, timeZone: string): void {
    this.task = cron.schedule(expression, () => this.tick(), {
      timezone: timeZone,
      noOverlap: true,
      name: 'user-sync',
    });
  }

  /** One run now, as the cron tick does it. */
  async tick(): Promise<void> {
    try {
      const { done } = await this.start();
      this.inFlight = done;
      await done;
    } catch (error) {
      if (error instanceof AppError && error.code === 'conflict') {
        this.logger.debug('user sync tick skipped: a run is going');
        return;
      }
      this.logger.error('user sync tick failed', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    await this.task?.destroy();
    await this.inFlight.catch(() => undefined);
  }
}
