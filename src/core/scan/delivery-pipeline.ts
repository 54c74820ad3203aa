// Keeps the gateway busy across page boundaries. Without it a run claims a page, delivers it,
// records it and only then claims the next: the gateway idles during every claim and record,
// and concurrency drains to one call at the end of every page. Here claimed grants go into a
// queue that `concurrency` workers empty continuously, outcomes are written in batches while
// deliveries go on, and the producer is let through to claim the next page as soon as less
// than a page is waiting. Memory stays bounded: at most about two pages of grants are held.
//
// Exactly-once is unchanged: every grant entering the queue was already claimed (its ledger row
// exists), each is sent at most once by this run, and grants taken back were never sent.
//
// Only what was sent can be uncertain: grants leave the queue in small batches through the
// `prepareSend` step (which marks their rows `sending`, one statement per batch) and only then
// are sent. At most 2 × concurrency grants are marked and not yet answered at any time, so a
// crash leaves at most that many rows whose outcome the next run cannot know; every other
// claimed row is still `pending`, known never sent, and is simply sent by the next run.
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
   * The step between queue and gateway (mark rows `sending`, read totals before sending): it
   * gets up to 2 × concurrency grants at a time and answers which to send and which it settled
   * itself; a grant in neither list is left as it is (not sent, not recorded). Absent: grants
   * are sent as they are.
   */
  prepareSend?: (grants: ClaimedEntry[]) => Promise<{
    send: ClaimedEntry[];
    settled: DeliveryOutcome[];
    /** Grants the step refused to send: nothing more is sent; they are taken back. */
    refused?: ClaimedEntry[];
  }>;
  /**
   * Interactive work to let go first: while `busy()`, no new call is started; sending resumes
   * when `idle()` resolves (it is bounded, so deliveries are delayed, never stalled).
   */
  yieldTo?: InteractiveWork;
}

export class DeliveryPipeline {
  private queue: ClaimedEntry[] = [];
  private head = 0;
  /** Prepared (marked `sending`), not started yet. */
  private ready: ClaimedEntry[] = [];
  /** Refused by prepareSend: never sent, for takeBackQueued. */
  private refusedGrants: ClaimedEntry[] = [];
  private refusedOnce = false;
  private preparing = false;
  /** Rows marked by prepareSend whose outcome is not written yet (see prepareMore). */
  private unrecorded = 0;
  /** Outcomes of sent grants among `outcomes` (not yet handed to `record`). */
  private answered = 0;
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
    while (this.waiting >= this.options.maxQueued && !this.halted) {
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
    this.throwIfFailed();
  }

  /**
   * Takes back every grant not yet sent, prepared ones included (they stay claimed: the caller
   * releases their rows or leaves them for the next run) and returns them. Calls already in
   * flight carry on. Call it after `drain`, so that no batch is still being prepared.
   */
  takeBackQueued(): ClaimedEntry[] {
    const unsent = [...this.refusedGrants, ...this.ready, ...this.queue.slice(this.head)];
    this.refusedGrants = [];
    this.ready = [];
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
    while (this.inFlight > 0 || this.preparing || (this.waiting > 0 && !this.halted)) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
    this.flush();
    await this.recording;
    this.throwIfFailed();
  }

  /** Whether prepareSend refused a batch: from then on nothing more is sent. */
  get refused(): boolean {
    return this.refusedOnce;
  }

  /** Nothing more is sent for now (paused) or at all (a write failed, a batch was refused). */
  private get halted(): boolean {
    return this.paused || this.failure !== undefined || this.refusedOnce;
  }

  /** Grants not yet sent: queued or prepared. */
  private get waiting(): number {
    return this.queued + this.ready.length;
  }

  private startWorkers(): void {
    const yieldTo = this.options.yieldTo;
    if (yieldTo?.busy() === true && this.waiting > 0) {
      if (!this.heldBack) {
        this.heldBack = true;
        void yieldTo.idle().then(() => {
          this.heldBack = false;
          if (this.failure === undefined) this.startWorkers();
        });
      }
      return;
    }
    this.prepareMore();
    while (
      this.inFlight < this.options.concurrency &&
      this.ready.length > 0 &&
      !this.paused &&
      this.failure === undefined
    ) {
      const grant = this.ready.shift()!;
      this.inFlight++;
      void this.deliver(grant).then(
        (outcome) => this.finished(outcome),
        // deliver() turns gateway errors into outcomes; anything else is a bug in this process,
        // and the row stays pending for the next run to settle.
        (error: unknown) => this.fail(error, 1),
      );
    }
    // Compact now and then so a long run does not keep every grant it ever queued.
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * Moves the next batch from the queue through `prepareSend` once at most `concurrency` grants
   * are prepared or in flight, so the gateway never waits for a batch to be marked. Before
   * marking more, the outcomes received so far are written: rows marked and not yet recorded
   * (prepared, in flight, or answered but unwritten) never exceed 2 × concurrency, and those are
   * all a crash can leave uncertain.
   */
  private prepareMore(): void {
    const { concurrency, prepareSend } = this.options;
    if (this.preparing || this.queued === 0 || this.halted) return;
    if (this.inFlight + this.ready.length > concurrency) return;
    if (prepareSend === undefined) {
      const room = 2 * concurrency - this.inFlight - this.ready.length;
      this.ready.push(...this.takeFromQueue(room));
      return;
    }
    this.preparing = true;
    void this.prepareNext(prepareSend).then(
      () => {
        this.preparing = false;
        this.afterCall();
      },
      (error: unknown) => {
        this.preparing = false;
        this.fail(error, 0);
      },
    );
  }

  private async prepareNext(
    prepareSend: NonNullable<DeliveryPipelineOptions['prepareSend']>,
  ): Promise<void> {
    this.flush();
    await this.recording;
    if (this.halted) return;
    const batch = this.takeFromQueue(2 * this.options.concurrency - this.unrecorded);
    if (batch.length === 0) return;
    this.unrecorded += batch.length;
    try {
      const { send, settled, refused = [] } = await prepareSend(batch);
      if (refused.length > 0) {
        this.refusedOnce = true;
        this.refusedGrants.push(...refused);
        this.wake(this.roomWaiters);
      }
      // Only the grants about to be sent stay counted: refused ones are taken back, settled ones
      // are written with the next outcomes (their result is known: not sent), skipped ones stay
      // as they were.
      this.unrecorded -= batch.length - send.length;
      this.outcomes.push(...settled);
      this.ready.push(...send);
    } catch (error) {
      // Not sent: handed back by takeBackQueued like any prepared grant.
      this.ready.push(...batch);
      throw error;
    }
  }

  private takeFromQueue(count: number): ClaimedEntry[] {
    const taken = this.queue.slice(this.head, this.head + Math.max(0, count));
    this.head += taken.length;
    return taken;
  }

  private finished(outcome: DeliveryOutcome): void {
    this.inFlight--;
    this.answered++;
    this.outcomes.push(outcome);
    if (this.outcomes.length >= this.options.recordBatch) this.flush();
    this.afterCall();
  }

  private afterCall(): void {
    if (this.failure === undefined) this.startWorkers();
    const paused = this.paused;
    if (this.waiting < this.options.maxQueued || paused || this.halted) this.wake(this.roomWaiters);
    if (this.inFlight === 0 && !this.preparing && (this.waiting === 0 || this.halted))
      this.wake(this.idleWaiters);
  }

  /** Writes the outcomes gathered so far, after any write already under way (one at a time). */
  private flush(): void {
    if (this.outcomes.length === 0) return;
    const batch = this.outcomes;
    const answered = this.answered;
    this.outcomes = [];
    this.answered = 0;
    // Recorded even after a failure: these grants were sent, and every outcome written is one
    // fewer row for the next run to settle.
    this.recording = this.recording
      .then(() => this.record(batch))
      .then(() => {
        this.unrecorded -= answered;
      })
      .catch((error: unknown) => this.fail(error, 0));
  }

  private fail(error: unknown, callsEnded: number): void {
    this.inFlight -= callsEnded;
    this.failure ??= error instanceof Error ? error : new Error(String(error));
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
