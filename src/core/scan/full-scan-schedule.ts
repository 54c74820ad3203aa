// When a single strategy's tick reads every user although its stored position would allow an
// incremental scan. Users written through quota-manager move the change counter; rows another
// program writes into user_info directly do not, and an incremental scan never sees them. A
// full scan every `everyMs` bounds how late such a user is granted (docs/strategies.md).
//
// The interval counts from the last completed full scan as the scan position records it in the
// database (ScanPosition.fullScanAt), not from anything this process saw: a daemon restarted
// more often than the interval, another replica, or `quota-manager scan` run from cron all do
// the full scan once it is due.
export class FullScanSchedule {
  /** Set by forceAll(): strategies whose forced full scan has not completed yet do one. */
  private forced: { done: Set<number> } | null = null;

  /** `everyMs` 0: never forced (every writer of user_info goes through quota-manager). */
  constructor(private readonly everyMs: number) {}

  /**
   * Every strategy's next scan is full, whatever the schedule (`quota-manager scan --full`,
   * after rows were written into user_info behind quota-manager's back), until it completes.
   */
  forceAll(): void {
    this.forced = { done: new Set() };
  }

  /** Whether this scan of `strategyId` must read every user; `lastFullAtMs` from its position. */
  isDue(strategyId: number, nowMs: number, lastFullAtMs: number): boolean {
    if (this.forced !== null && !this.forced.done.has(strategyId)) return true;
    if (this.everyMs <= 0) return false;
    return nowMs >= lastFullAtMs + this.everyMs;
  }

  /** A full scan of `strategyId` completed: a forced one is not forced again in this process. */
  completed(strategyId: number): void {
    this.forced?.done.add(strategyId);
  }
}
