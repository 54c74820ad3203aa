// A run's writes to its strategy's ledger rows after the claim, all under its lease token:
// recording outcomes (with the settle time of a doubt), adopting rows an earlier holder left in
// doubt, and stamping settle times on them. Counts what it recorded for the run's result.
import type { ClaimedEntry, DeliveryOutcome } from '../model/ledger-entry.ts';
import type { RunCounts } from '../model/run-result.ts';
import { GrantEvents } from './grant-events.ts';
import type { RunDeps } from './run-deps.ts';
import type { RunLease } from './run-lease.ts';

export class RunLedger {
  /** grant.* events of the outcomes, and the tallies occurrence.completed reports. */
  readonly events: GrantEvents;

  constructor(
    private readonly lease: () => RunLease,
    /** The strategy version rows are marked under; null: none (lot expiries). */
    private readonly version: number | null,
    private readonly deps: Pick<
      RunDeps,
      'store' | 'logger' | 'observer' | 'interactive' | 'delivery' | 'events'
    > &
      Partial<Pick<RunDeps, 'clock'>>,
    private readonly counts: RunCounts,
  ) {
    this.events = new GrantEvents(deps);
  }

  /**
   * Writes outcomes of this run's own sends. A doubt waits the client's whole retry budget
   * from now (the call has ended, so its last byte left before now). Outcomes the store refuses
   * (the lease ended: a late writer) change nothing; the rows stay in doubt for the next holder.
   */
  async record(outcomes: DeliveryOutcome[]): Promise<void> {
    await this.deps.interactive?.idle();
    const lease = this.lease();
    const settleAfter = lease.databaseNow().atMost + this.deps.delivery.uncertainSettleAfterMs;
    const stamped = outcomes.map((o) =>
      o.status === 'sending' && o.settleAfter === undefined ? { ...o, settleAfter } : o,
    );
    const events = this.events.of(outcomes);
    const recorded = await this.deps.store.recordOutcomes(lease.fence, stamped, events);
    if (recorded < outcomes.length) {
      this.deps.logger.error('outcomes not recorded: this run no longer holds its lease', {
        strategy_id: lease.fence.strategyId,
        lease_token: lease.fence.token,
        outcomes: outcomes.length,
        recorded,
      });
      return;
    }
    this.deps.observer?.grantsRecorded(outcomes);
    this.events.tally(outcomes);
    for (const outcome of outcomes) {
      if (outcome.status === 'applied') this.counts.granted++;
      else this.counts.failed++;
    }
  }

  /**
   * Marks rows an earlier holder left in doubt as this run's own, without sending, so that only
   * this run records their outcome. False when any row moved meanwhile or the lease is gone.
   */
  async adopt(entries: ClaimedEntry[]): Promise<boolean> {
    this.events.remember(entries);
    const marked = await this.deps.store.markSending(
      this.lease().fence,
      this.version,
      entries.map((e) => ({
        id: e.id,
        totalBefore: e.totalBefore ?? null,
        reconcileBasis: e.reconcileBasis ?? null,
        expectedStatus: 'sending',
        expectedToken: e.leaseToken ?? null,
      })),
    );
    return marked === entries.length;
  }

  /**
   * Gives rows in doubt without a settle time one: this lease's acquisition plus the settle
   * wait. Their marker's lease had ended by the acquisition, and past its lease it sent nothing.
   */
  async defer(entries: ClaimedEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const lease = this.lease();
    await this.deps.store.deferSettlement(
      lease.fence,
      entries.map((e) => ({ id: e.id, expectedToken: e.leaseToken ?? null })),
      lease.acquiredAtDatabaseMs + this.deps.delivery.uncertainSettleAfterMs,
    );
  }
}
