// The lot pass: records lots for newly applied grants and expires the lots that are due. Each
// expiry is a ledger row of its own under EXPIRY_STRATEGY_ID, and goes through exactly the
// protocol grants use: the row is claimed (UNIQUE key) with its amount before the call, marked
// `sending` under the pass's lease token (prepare-send.ts), sent with its idempotency key, its
// outcome recorded by compare-and-set (run-ledger.ts), and a doubt settled only after its settle
// time by reading the user's total (settle-earlier-entries.ts). One lease fences every expiry.
import type { ClaimedEntry, DeliveryOutcome } from '../model/ledger-entry.ts';
import type { RunCounts } from '../model/run-result.ts';
import type { LotPassDeps } from './lot-pass-deps.ts';
import { deliverEntry } from '../scan/deliver-entry.ts';
import { DeliveryPipeline } from '../scan/delivery-pipeline.ts';
import { prepareSend } from '../scan/prepare-send.ts';
import { RunLease } from '../scan/run-lease.ts';
import { RunLedger } from '../scan/run-ledger.ts';
import { LeaseLostError } from '../scan/run-strategy.ts';
import { forEachEntryPage } from '../scan/run-steps.ts';
import { settleEarlierEntries } from '../scan/settle-earlier-entries.ts';
import { EXPIRY_STRATEGY_ID } from './lot.ts';
import { LotSteps } from './lot-steps.ts';

/**
 * Rounds of held-back expiries one pass sends (a user with more lots expiring at once than this
 * has the rest taken back by the next pass).
 */
const MAX_WAITING_ROUNDS = 8;

export interface LotPassResult {
  /** False when another process held the lot pass's lease. */
  leased: boolean;
  lotsRecorded: number;
  /** Expiries claimed in this pass (their ledger rows). */
  expiries: number;
  /** Of them, applied now; and the amount taken back by those. */
  applied: number;
  expiredAmount: number;
  failed: number;
}

export async function expireLots(deps: LotPassDeps): Promise<LotPassResult> {
  const lease = await RunLease.acquire(EXPIRY_STRATEGY_ID, deps);
  if (lease === null)
    return { leased: false, lotsRecorded: 0, expiries: 0, applied: 0, expiredAmount: 0, failed: 0 };
  const pass = new LotPass(lease, deps);
  try {
    await pass.run();
    return pass.result();
  } catch (error) {
    await pass.windDown().catch(() => undefined);
    throw error;
  } finally {
    await lease.release().catch(() => undefined);
  }
}

class LotPass {
  private readonly counts: RunCounts = { matched: 0, granted: 0, skipped: 0, failed: 0 };
  private readonly ledger: RunLedger;
  private readonly pipeline: DeliveryPipeline;
  private readonly steps: LotSteps;
  private expiredCents = 0;
  private appliedCount = 0;
  /** Expiries the balance gate held back, and expiries marked to send (sendWaiting). */
  private waited = 0;
  private marked = 0;

  constructor(
    private readonly lease: RunLease,
    private readonly deps: LotPassDeps,
  ) {
    // Expiries are not grants: the grant metrics do not hear them (lotsExpired does).
    this.ledger = new RunLedger(() => lease, null, { ...deps, observer: undefined }, this.counts);
    this.pipeline = new DeliveryPipeline(
      (entry) => this.deliver(entry),
      (outcomes) => this.record(outcomes),
      {
        concurrency: deps.delivery.concurrency,
        maxQueued: Math.max(deps.delivery.concurrency, Math.ceil(deps.pageSize / 2)),
        recordBatch: deps.pageSize,
        prepareSend: async (entries) => {
          const prepared = await prepareSend(
            { id: EXPIRY_STRATEGY_ID, version: null },
            lease.fence,
            entries,
            deps,
            'take_back',
          );
          this.waited += prepared.waiting?.length ?? 0;
          this.marked += prepared.send.length;
          return prepared;
        },
        paused: () => this.stopped(),
        yieldTo: deps.interactive,
      },
    );
    this.steps = new LotSteps(
      deps,
      lease,
      (claimed) => this.submit(claimed),
      () => this.stopped(),
    );
  }

  async run(): Promise<void> {
    await settleEarlierEntries({
      strategyId: EXPIRY_STRATEGY_ID,
      deps: this.deps,
      ledger: this.ledger,
      databaseNowAtLeast: () => this.lease.databaseNow().atLeast,
      gatewayDown: () => this.gatewayDown(),
      checkpoint: () => this.checkpoint(),
      resend: async (entries) => {
        await this.submit(entries);
        await this.pipeline.drain();
        await this.windDown();
      },
      refused: () => this.pipeline.refused,
    });
    if (this.checkpoint() || this.gatewayDown()) return;
    await this.steps.claimLeftBehind();
    await this.steps.recordNewLots();
    await this.steps.expireDue(this.deps.clock.now());
    await this.pipeline.drain();
    await this.sendWaiting();
    if (this.stopped()) await this.windDown();
  }

  /**
   * Expiries the balance gate held back because another delta to their user was on its way (two
   * lots of one user expiring together): once that delta's outcome is recorded, they may go in
   * this same pass, one per user per round. A round that sends nothing ends it: the delta is in
   * doubt, and the next pass's settle steps send them once it is settled.
   */
  private async sendWaiting(): Promise<void> {
    for (let round = 0; round < MAX_WAITING_ROUNDS && this.waited > 0; round++) {
      if (this.stopped()) return;
      const markedBefore = this.marked;
      this.waited = 0;
      await forEachEntryPage(
        this.deps.store,
        EXPIRY_STRATEGY_ID,
        ['pending'],
        this.deps,
        async (entries) => {
          await this.submit(entries);
          return this.stopped();
        },
      );
      await this.pipeline.drain();
      if (this.marked === markedBefore) return;
    }
  }

  result(): LotPassResult {
    return {
      leased: true,
      lotsRecorded: this.steps.recorded,
      expiries: this.steps.claimed,
      applied: this.appliedCount,
      expiredAmount: this.expiredCents / 100,
      failed: this.counts.failed,
    };
  }

  /**
   * Stops sending and leaves what was claimed but not sent `pending`, for the next pass's settle
   * step (settle-earlier-entries.ts) to send. A grant run releases such claims, because its next
   * run derives them again from the condition; nothing derives an expiry again (its lot is
   * already marked expired), so releasing its claim would lose the take-back.
   */
  async windDown(): Promise<void> {
    this.pipeline.takeBackQueued();
    await this.pipeline.drain();
    this.pipeline.takeBackQueued();
  }

  private async submit(entries: ClaimedEntry[]): Promise<void> {
    await this.pipeline.submit(entries);
  }

  /**
   * Sends what the mark decided (the decided amount capped to the balance, take-back.ts);
   * nothing to take back: a ledger row and no gateway call.
   */
  private deliver(entry: ClaimedEntry): Promise<DeliveryOutcome> {
    const sent = entry.deltaSent ?? entry.amount;
    if (Math.round(sent * 100) === 0)
      return Promise.resolve({ id: entry.id, status: 'applied', lastError: null, deltaSent: 0 });
    return deliverEntry(
      { ...entry, amount: sent },
      this.deps.gateway,
      this.deps.delivery,
      this.deps.logger,
      this.lease.sendDeadline(),
    );
  }

  private async record(outcomes: DeliveryOutcome[]): Promise<void> {
    const before = this.counts.granted;
    await this.ledger.record(outcomes);
    if (this.counts.granted === before) return;
    let cents = 0;
    for (const o of outcomes) {
      if (o.status !== 'applied') continue;
      // What the send carried (capped to the balance), not the amount decided at the claim.
      cents += Math.round(-(o.deltaSent ?? 0) * 100);
      this.appliedCount++;
    }
    this.expiredCents += cents;
    this.deps.observer?.lotsExpired?.(cents / 100);
  }

  private stopped(): boolean {
    return this.deps.isStopping?.() === true || this.gatewayDown() || this.lease.lost();
  }

  private checkpoint(): boolean {
    if (this.lease.lost()) throw new LeaseLostError('lease of the lot pass was lost');
    return this.deps.isStopping?.() === true;
  }

  private gatewayDown(): boolean {
    return this.deps.gatewayHealth?.available() === false;
  }
}
