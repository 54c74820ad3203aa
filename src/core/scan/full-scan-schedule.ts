// When a single strategy's tick reads every user although its stored position would allow an
// incremental scan. Users written through quota-manager move the change counter; rows another
// program writes into user_info directly do not, and an incremental scan never sees them. A
// full scan every `everyMs` bounds how late such a user is granted (docs/strategies.md).
//
// Kept in memory on purpose: a process that takes a strategy over (a restart, another replica)
// continues from the stored position first, as incremental scans promise, and forces its first
// full scan one interval later.
export class FullScanSchedule {
  private readonly nextFullAt = new Map<number, number>();
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

  /** Whether this scan of `strategyId` must read every user. */
  isDue(strategyId: number, nowMs: number): boolean {
    if (this.forced !== null && !this.forced.done.has(strategyId)) return true;
    if (this.everyMs <= 0) return false;
    const next = this.nextFullAt.get(strategyId);
    if (next === undefined) {
      this.nextFullAt.set(strategyId, nowMs + this.everyMs);
      return false;
    }
    return nowMs >= next;
  }

  /** A full scan of `strategyId` completed (forced or not): the next is due one interval later. */
  completed(strategyId: number, nowMs: number): void {
    this.forced?.done.add(strategyId);
    if (this.everyMs > 0) this.nextFullAt.set(strategyId, nowMs + this.everyMs);
  }
}
