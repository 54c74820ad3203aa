// The daemon replicas of one history as real processes: started (one of them under libfaketime
// when the plan skews its clock), killed with SIGKILL and restarted, stopped with SIGSTOP and
// woken with SIGCONT. Actions on one replica are queued so a kill never races its own restart.
import { startDaemon, type RunningProcess } from '../support/processes.ts';
import { MAX_DELAY_FAULT_MS } from './schedule.ts';

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';

/** Settle time: comfortably longer than any delay a gateway fault gives a delta. */
export const SETTLE_AFTER_MS = MAX_DELAY_FAULT_MS + 2500;

export const DAEMON_ENV: Record<string, string> = {
  SCAN_CRON: '* * * * * *',
  SCAN_LEASE_MS: '3000',
  SCAN_PAGE_SIZE: '25',
  AIGATEWAY_CONCURRENCY: '4',
  AIGATEWAY_HONOURS_IDEMPOTENCY: 'false',
  AIGATEWAY_RECONCILE: 'query',
  AIGATEWAY_TIMEOUT_MS: '800',
  AIGATEWAY_MAX_ATTEMPTS: '2',
  AIGATEWAY_RETRY_BASE_DELAY_MS: '100',
  AIGATEWAY_RETRY_MAX_DELAY_MS: '200',
  AIGATEWAY_SETTLE_AFTER_MS: String(SETTLE_AFTER_MS),
  AIGATEWAY_BREAKER_COOLDOWN_MS: '1000',
  API_REQUEST_TIMEOUT_MS: '60000',
};

interface Slot {
  current: RunningProcess | undefined;
  stopped: boolean;
  /** Output of every process this slot ran, the killed ones included. */
  pastOutput: string;
  queue: Promise<unknown>;
}

export class Replicas {
  private readonly slots: Slot[];

  constructor(
    private readonly databaseUrl: string,
    private readonly mockUrl: string,
    count: number,
    private readonly skew: string | null,
  ) {
    this.slots = Array.from({ length: count }, () => ({
      current: undefined,
      stopped: false,
      pastOutput: '',
      queue: Promise.resolve(),
    }));
  }

  private env(index: number): Record<string, string> {
    const skewed = this.skew !== null && index === this.slots.length - 1;
    return skewed ? { ...DAEMON_ENV, LD_PRELOAD: LIBFAKETIME, FAKETIME: this.skew } : DAEMON_ENV;
  }

  async startAll(): Promise<void> {
    await Promise.all(this.slots.map((_, i) => this.start(i)));
  }

  private async start(index: number): Promise<void> {
    const slot = this.slots[index]!;
    slot.current = await startDaemon(this.databaseUrl, this.mockUrl, this.env(index));
    slot.stopped = false;
  }

  private enqueue<T>(index: number, action: () => Promise<T>): Promise<T> {
    const slot = this.slots[index]!;
    const next = slot.queue.then(action, action);
    slot.queue = next.catch(() => undefined);
    return next;
  }

  /** kill -9, then a new process in the same slot. */
  kill(index: number): Promise<void> {
    return this.enqueue(index, async () => {
      const slot = this.slots[index]!;
      if (slot.current) {
        await slot.current.stop('SIGKILL');
        slot.pastOutput += slot.current.output();
        slot.current = undefined;
      }
      await this.start(index);
    });
  }

  /** SIGSTOP for `ms`, then SIGCONT. */
  stall(index: number, ms: number): Promise<void> {
    return this.enqueue(index, async () => {
      const slot = this.slots[index]!;
      const pid = slot.current?.child.pid;
      if (pid === undefined) return;
      process.kill(pid, 'SIGSTOP');
      slot.stopped = true;
      await new Promise((r) => setTimeout(r, ms));
      process.kill(pid, 'SIGCONT');
      slot.stopped = false;
    });
  }

  /** A replica that answers HTTP now (not stopped, not being restarted), if any. */
  running(preferred = 0): RunningProcess | undefined {
    const order = [...this.slots.keys()].map((k) => (k + preferred) % this.slots.length);
    for (const index of order) {
      const slot = this.slots[index]!;
      if (slot.current && !slot.stopped && slot.current.child.exitCode === null)
        return slot.current;
    }
    return undefined;
  }

  /** Waits for queued actions, wakes every replica and restarts any that died. */
  async settle(): Promise<void> {
    await Promise.all(this.slots.map((slot) => slot.queue));
    for (const [index, slot] of this.slots.entries()) {
      if (slot.current?.child.pid !== undefined && slot.stopped)
        process.kill(slot.current.child.pid, 'SIGCONT');
      if (!slot.current || slot.current.child.exitCode !== null) {
        slot.pastOutput += slot.current?.output() ?? '';
        await this.start(index);
      }
    }
  }

  output(): string {
    return this.slots.map((s) => s.pastOutput + (s.current?.output() ?? '')).join('\n');
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      this.slots.map(async (slot) => {
        const pid = slot.current?.child.pid;
        if (pid !== undefined && slot.stopped) process.kill(pid, 'SIGCONT');
        await slot.current?.stop('SIGKILL');
      }),
    );
  }
}
