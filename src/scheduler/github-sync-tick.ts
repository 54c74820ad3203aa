// Runs the GitHub stargazer sync on GITHUB_SYNC_CRON. One sync at a time in this process (a
// tick that finds one running is skipped); replicas may each sync, which costs requests but
// writes the same stars.
import cron, { type ScheduledTask } from 'node-cron';
import type { CoreLogger } from '../core/ports/runtime-services.ts';

export class GithubSyncTick {
  private task: ScheduledTask | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly logger: CoreLogger) {}

  start(expression: string, timeZone: string, sync: () => Promise<unknown>): void {
    this.task = cron.schedule(
      expression,
      async () => {
        if (this.running) return;
        this.running = sync()
          .catch((error: unknown) =>
            this.logger.error('GitHub stargazer sync failed', {
              error: error instanceof Error ? error.message : String(error),
            }),
          )
          .finally(() => (this.running = undefined));
        await this.running;
      },
      { timezone: timeZone, noOverlap: true, name: 'github-stars' },
    );
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    await this.task?.destroy();
    await this.running;
  }
}
