// Time is injected everywhere a rule depends on "now", so schedules are tested by moving a
// clock instead of sleeping.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current);
  }
  set(at: Date | string): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/**
 * Milliseconds on the process's monotonic clock: the same in every thread of the process (a
 * deadline computed on the main thread can be checked in the gateway's worker thread), and
 * never moved by a wall-clock step.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1_000_000n);
}

/**
 * A moment measured on both clocks. A deadline has passed once either says so: the monotonic
 * clock may not count a paused VM, the wall clock may be stepped; trusting whichever is later
 * only ever ends a lease early, never late.
 */
export interface Deadline {
  monotonicMs: number;
  wallMs: number;
}

/** Both of a process's clocks, read at one moment (a Deadline is such a moment). */
export interface ProcessClocks {
  read(): Deadline;
}

export const systemProcessClocks: ProcessClocks = {
  read: () => ({ monotonicMs: monotonicMs(), wallMs: Date.now() }),
};

export function deadlinePassed(
  deadline: Deadline,
  clocks: ProcessClocks = systemProcessClocks,
): boolean {
  const now = clocks.read();
  return now.monotonicMs >= deadline.monotonicMs || now.wallMs >= deadline.wallMs;
}
