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
  private tick: (() => Promise<unknown>) | undefined;
  /** A wake() came while a tick ran: that tick may have read past the change, so one more. */
  private wakePending = false;
  private woken: Promise<void> = Promise.resolve();

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
    this.tick = tick;
    this.task = cron.schedule(expression, () => this.runTick(), {
      timezone: timeZone,
      noOverlap: true,
      name: 'quota-scan',
    });
  }

  /**
   * A tick now, outside the cron expression (something changed that a scan should act on, e.g.
   * a star webhook). Coalesced: during a tick it runs one more tick after it. Nothing before
   * start() (the CLI's runtime never ticks) or once stopping.
   */
  wake(): void {
    if (this.tick === undefined || this.stopping) return;
    if (this.tickInFlight) {
      this.wakePending = true;
      return;
    }
    this.woken = this.runTick();
  }

  private async runTick(): Promise<void> {
    if (this.tickInFlight || this.stopping || this.tick === undefined) return;
    this.tickInFlight = true;
    try {
      await this.tick();
    } catch (error) {
      this.logger.error('scan tick failed', {
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      this.tickInFlight = false;
    }
    if (this.wakePending) {
      this.wakePending = false;
      this.wake();
    }
  }

  /** Stops ticking, lets the running scan finish its in-flight page, then resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.task?.stop();
    await this.task?.destroy();
    await this.woken;
    await this.queue;
  }
}
