// The node-cron adapter: drives scan ticks and serializes scans inside this process (a tick
// never overlaps itself or an API-triggered scan or run). What a scan does is the core's
// (src/core/use-cases/run-strategies.ts); cross-process exclusion is the database lease.
import cron, { type ScheduledTask } from 'node-cron';
import type { CoreLogger, ScanSerializer } from '../core/ports/runtime-services.ts';

export class Scanner implements ScanSerializer {
  private queue: Promise<unknown> = Promise.resolve();
  private task: ScheduledTask | undefined;
  private stopping = false;
  private tickInFlight = false;

  constructor(private readonly logger: CoreLogger) {}

  /** Runs `work` after everything already queued; errors don't poison the queue. */
  serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  isStopping(): boolean {
    return this.stopping;
  }

  /** Calls `tick` on `expression`; a tick that finds the previous one running is skipped. */
  start(expression: string, timeZone: string, tick: () => Promise<unknown>): void {
    this.task = cron.schedule(
      expression,
      async () => {
        if (this.tickInFlight || this.stopping) return;
        this.tickInFlight = true;
        try {
          await tick();
        } catch (error) {
          this.logger.error('scan tick failed', {
            error: error instanceof Error ? error.message : String(error),
          });
        } finally {
          this.tickInFlight = false;
        }
      },
      { timezone: timeZone, noOverlap: true, name: 'quota-scan' },
    );
  }

  /** Stops ticking, lets the running scan finish its in-flight page, then resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.task?.stop();
    await this.task?.destroy();
    await this.queue;
  }
}
