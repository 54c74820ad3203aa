// Lets API requests go ahead of the scan on the daemon's one event loop. A scan is a long
// stream of short steps (read a page of candidates, claim it, record outcomes); each step
// first waits until no API request is being served, for at most `maxWaitMs`, so an operator's
// request never queues behind several of them, and a busy API still cannot stall a scan. The
// scan's delivery pipeline also sends no new gateway call meanwhile (calls in flight finish):
// on a machine the scan keeps busy, that leaves the CPU to the request.

export class InteractiveGate {
  private inFlight = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly maxWaitMs = 50) {}

  /** An interactive request started; pair with `end()`. */
  begin(): void {
    this.inFlight++;
  }

  end(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight === 0) for (const wake of this.waiters.splice(0)) wake();
  }

  /** True while an interactive request is being served. */
  busy(): boolean {
    return this.inFlight > 0;
  }

  /** Resolves once no interactive request is in flight, or after `maxWaitMs`. */
  async idle(): Promise<void> {
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((wake) => wake !== done);
        resolve();
      }, this.maxWaitMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
    });
  }
}
