// Keeps the gateway busy across page boundaries. Without it a run claims a page, delivers it,
// records it and only then claims the next: the gateway idles during every claim and record,
// and concurrency drains to one call at the end of every page. Here claimed grants go into a
// queue that `concurrency` workers empty continuously, outcomes are written in batches while
// deliveries go on, and the producer is let through to claim the next page as soon as less
// than a page is waiting. Memory stays bounded: at most about two pages of grants are held.
//
// Exactly-once is unchanged: every grant entering the queue was already claimed (its ledger row
// exists), each is sent at most once by this run, and grants taken back by `stop` were never
// sent.
import type { ClaimedEntry, DeliveryOutcome } from '../model/ledger-entry.ts';
import type { InteractiveWork } from '../ports/runtime-services.ts';

export interface DeliveryPipelineOptions {
  /** Gateway calls in flight at most. */
  concurrency: number;
  /** The producer waits while this many grants or more are queued (not yet sent). */
  maxQueued: number;
  /** Outcomes are written once this many have arrived (and when draining). */
  recordBatch: number;
  /**
   * Checked before each send: while true nothing more is sent (the gateway is known to be
   * down), `submit` and `drain` stop waiting for the queue, and the caller takes it back.
   */
  paused?: () => boolean;
  /**
   * Interactive work to let go first: while `busy()`, no new call is started; sending resumes
   * when `idle()` resolves (it is bounded, so deliveries are delayed, never stalled).
   */
  yieldTo?: InteractiveWork;
}

export class DeliveryPipeline {
  private queue: ClaimedEntry[] = [];
  private head = 0;
  private inFlight = 0;
  private outcomes: DeliveryOutcome[] = [];
  private recording: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private roomWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];
  private heldBack = false;

  constructor(
    private readonly deliver: (grant: ClaimedEntry) => Promise<DeliveryOutcome>,
    private readonly record: (outcomes: DeliveryOutcome[]) => Promise<void>,
    private readonly options: DeliveryPipelineOptions,
  ) {}

  private get queued(): number {
    return this.queue.length - this.head;
  }

  private get paused(): boolean {
    return this.options.paused?.() === true;
  }

  /**
   * Queues claimed grants and resolves once there is room for the next page. Rejects if
   * writing earlier outcomes failed: the producer must not claim more when the ledger cannot
   * take what was already sent.
   */
  async submit(grants: readonly ClaimedEntry[]): Promise<void> {
    this.throwIfFailed();
    for (const grant of grants) this.queue.push(grant);
    this.startWorkers();
    while (this.queued >= this.options.maxQueued && this.failure === undefined && !this.paused) {
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
    this.throwIfFailed();
  }

  /**
   * Takes back every grant not yet sent (they stay claimed: the caller releases their rows or
   * leaves them for the next run) and returns them. Calls already in flight carry on.
   */
  takeBackQueued(): ClaimedEntry[] {
    const unsent = this.queue.slice(this.head);
    this.queue = [];
    this.head = 0;
    this.wake(this.roomWaiters);
    return unsent;
  }

  /**
   * Waits for every queued and in-flight grant (only the in-flight ones while paused: the
   * queued ones are for the caller to take back), then writes the remaining outcomes.
   */
  async drain(): Promise<void> {
    while (this.inFlight > 0 || (this.queued > 0 && !this.paused)) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    this.flush();
    await this.recording;
    this.throwIfFailed();
  }

  private startWorkers(): void {
    const yieldTo = this.options.yieldTo;
    if (yieldTo?.busy() === true && this.queued > 0) {
      if (!this.heldBack) {
        this.heldBack = true;
        void yieldTo.idle().then(() => {
          this.heldBack = false;
          if (this.failure === undefined) this.startWorkers();
        });
      }
      return;
    }
    while (this.inFlight < this.options.concurrency && this.queued > 0 && !this.paused) {
      const grant = this.queue[this.head++]!;
      this.inFlight++;
      void this.deliver(grant).then(
        (outcome) => this.finished(outcome),
        // deliver() turns gateway errors into outcomes; anything else is a bug in this process,
        // and the row stays pending for the next run to settle.
        (error: unknown) => this.fail(error instanceof Error ? error : new Error(String(error)), 1),
      );
    }
    // Compact now and then so a long run does not keep every grant it ever queued.
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private finished(outcome: DeliveryOutcome): void {
    this.inFlight--;
    this.outcomes.push(outcome);
    if (this.outcomes.length >= this.options.recordBatch) this.flush();
    this.afterCall();
  }

  private afterCall(): void {
    if (this.failure === undefined) this.startWorkers();
    const paused = this.paused;
    if (this.queued < this.options.maxQueued || paused) this.wake(this.roomWaiters);
    if (this.inFlight === 0 && (this.queued === 0 || paused)) this.wake(this.idleWaiters);
  }

  /** Writes the outcomes gathered so far, after any write already under way (one at a time). */
  private flush(): void {
    if (this.outcomes.length === 0) return;
    const batch = this.outcomes;
    this.outcomes = [];
    // Recorded even after a failure: these grants were sent, and every outcome written is one
    // fewer row for the next run to settle.
    this.recording = this.recording
      .then(() => this.record(batch))
      .catch((error: Error) => this.fail(error, 0));
  }

  private fail(error: Error, callsEnded: number): void {
    this.inFlight -= callsEnded;
    this.failure ??= error;
    // Nothing more is sent; what is queued stays claimed (pending) for the next run to settle.
    this.queue = [];
    this.head = 0;
    this.wake(this.roomWaiters);
    this.afterCall();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private wake(waiters: (() => void)[]): void {
    for (const resolve of waiters.splice(0)) resolve();
  }
}
