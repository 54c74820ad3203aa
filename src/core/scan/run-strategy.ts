// Runs one strategy for its due occurrences under a database lease, in named steps over one
// run object: settle what earlier runs left (orphaned pending rows, failed rows), then grant
// each occurrence page by page. Exactly-once rests on two facts: the ledger row is inserted
// under a UNIQUE key before the gateway is called (only the inserter sends), and every send of
// a row uses the same idempotency key.
import { parse } from '../../condition/index.ts';
import { resendableWhenUncertain } from '../grant-mode.ts';
import { idempotencyKey, type ClaimedEntry, type DeliveryOutcome } from '../model/ledger-entry.ts';
import type { DueOccurrence, RunCounts, StrategyRunResult } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { deliverEntry } from './deliver-entry.ts';
import { DeliveryPipeline } from './delivery-pipeline.ts';
import { matchingUsers, type MatchedPage } from './matching-users.ts';
import type { RunDeps } from './run-deps.ts';
import { forEachEntryPage, keepLease, windDown } from './run-steps.ts';

export class LeaseLostError extends Error {
  readonly code = 'lease_lost';
}

const ORPHAN_MESSAGE =
  'outcome unknown: the process stopped after claiming this grant and the gateway does not honour idempotency keys; resolve it as applied or retry';

/**
 * Settles earlier rows, then grants each occurrence in `due` (oldest first). An empty `due`
 * means: only settle (a periodic strategy with nothing new due).
 */
export async function runStrategy(
  strategy: Strategy,
  due: readonly DueOccurrence[],
  deps: RunDeps,
): Promise<StrategyRunResult> {
  const run = new StrategyRun(strategy, due, deps);
  if (!(await run.acquireLease())) return run.result(false);
  try {
    if (await run.settleEarlierEntries()) await run.grantDue();
    return run.result(true);
  } finally {
    await run.releaseLease();
  }
}

/** One run of one strategy: its counts, its lease and its delivery pipeline. */
class StrategyRun {
  private readonly counts: RunCounts = { matched: 0, granted: 0, skipped: 0, failed: 0 };
  private readonly pipeline: DeliveryPipeline;
  private lease: { lost(): boolean; stop(): void } = { lost: () => false, stop: () => undefined };
  private pausedLogged = false;

  constructor(
    private readonly strategy: Strategy,
    private readonly due: readonly DueOccurrence[],
    private readonly deps: RunDeps,
  ) {
    this.pipeline = new DeliveryPipeline(
      (entry) => deliverEntry(entry, deps.gateway, deps.delivery, deps.logger),
      (outcomes) => this.record(outcomes),
      {
        concurrency: deps.delivery.concurrency,
        // The next page is claimed once half of this one is sent: early enough for the claim to
        // finish before the queue runs dry, late enough that a crash orphans at most 1.5 pages
        // (with a gateway that ignores idempotency keys, orphans become `unknown` rows).
        maxQueued: Math.max(deps.delivery.concurrency, Math.ceil(deps.pageSize / 2)),
        recordBatch: deps.pageSize,
        paused: () => this.gatewayDown(),
        yieldTo: deps.interactive,
      },
    );
  }

  /** The run's answer; every run that held the lease is reported to the observer. */
  result(leased: boolean): StrategyRunResult {
    const occurrence = this.due.length > 0 ? this.due[this.due.length - 1]!.occurrence : null;
    const finished = { strategyId: this.strategy.id, occurrence, leased, ...this.counts };
    if (leased) this.deps.observer?.strategyRunFinished(finished, this.deps.clock.now());
    return finished;
  }

  async acquireLease(): Promise<boolean> {
    const { store, clock, holder, leaseMs } = this.deps;
    if (!(await store.acquireLease(this.strategy.id, holder, clock.now().getTime(), leaseMs)))
      return false;
    this.lease = keepLease(this.strategy.id, this.deps);
    return true;
  }

  async releaseLease(): Promise<void> {
    this.lease.stop();
    await this.deps.store.releaseLease(this.strategy.id, this.deps.holder).catch((error: Error) =>
      this.deps.logger.warn('lease release failed; it will expire', {
        strategy_id: this.strategy.id,
        error: error.message,
      }),
    );
  }

  /**
   * Step 1 and 2: rows earlier runs left. Returns whether to go on granting new occurrences.
   * Rows left unsent because the gateway went down stay as they are (they may have been sent
   * before: never released).
   */
  async settleEarlierEntries(): Promise<boolean> {
    const { store, delivery, ledgerMaxAttempts } = this.deps;
    // Pending rows while we hold the lease can only be orphans of a run that died.
    await forEachEntryPage(store, this.strategy.id, ['pending'], this.deps, async (entries) => {
      // top_up and reset re-read the balance before sending, so their orphans are simply sent.
      const blind = delivery.honoursIdempotency
        ? []
        : entries.filter((e) => !resendableWhenUncertain(e.mode ?? 'add'));
      if (blind.length > 0) {
        await this.record(
          blind.map((e) => ({ id: e.id, status: 'unknown', lastError: ORPHAN_MESSAGE })),
        );
      }
      if (blind.length < entries.length) {
        if (this.gatewayDown()) return true;
        await this.resend(blind.length === 0 ? entries : entries.filter((e) => !blind.includes(e)));
      }
      return this.checkpoint();
    });
    // Failed rows: re-send with the same key, a bounded number of times in total.
    const retry = async (entries: ClaimedEntry[]) => {
      if (this.gatewayDown()) return true;
      await this.resend(entries);
      return this.checkpoint();
    };
    await forEachEntryPage(
      store,
      this.strategy.id,
      ['failed'],
      this.deps,
      retry,
      ledgerMaxAttempts,
    );
    return !(this.due.length === 0 || this.checkpoint() || this.gatewayDown());
  }

  /** Step 3: new grants, occurrence by occurrence, page by page. */
  async grantDue(): Promise<void> {
    const parsed = parse(this.strategy.condition);
    if (!parsed.ok) {
      // Conditions are validated on write; this only happens if the language got stricter.
      this.deps.logger.error('stored condition no longer parses; strategy skipped', {
        strategy_id: this.strategy.id,
        errors: parsed.errors,
      });
      return;
    }
    try {
      for (const due of this.due) {
        if (!(await this.grantOccurrence(due, parsed.ast))) return;
      }
    } catch (error) {
      // Claimed grants must not be left in flight behind our back, nor queued for nobody.
      await this.windDown().catch(() => undefined);
      throw error;
    }
  }

  /**
   * The pipeline delivers one page while the next is claimed, and writes outcomes while
   * deliveries go on. Returns false when the run stopped early (lease, shutdown, gateway down).
   */
  private async grantOccurrence(
    { occurrence, catchUp }: DueOccurrence,
    condition: Parameters<typeof matchingUsers>[1],
  ): Promise<boolean> {
    const { store } = this.deps;
    const periodic = this.strategy.type === 'periodic';
    if (periodic) await store.markOccurrenceOpen(this.strategy.id, occurrence);
    for await (const page of matchingUsers(this.strategy, condition, occurrence, this.deps)) {
      await this.claimAndSubmit(page, occurrence, catchUp);
      if (this.lease.lost() || this.deps.isStopping?.() === true || this.gatewayDown()) {
        await this.windDown();
        this.checkpoint();
        return false;
      }
    }
    await this.pipeline.drain();
    if (this.gatewayDown()) {
      // Paused with grants still queued (drain does not send them): release them.
      await this.windDown();
      return false;
    }
    if (periodic && (await store.countUnsettled(this.strategy.id, occurrence)) === 0) {
      await store.markOccurrenceDone(this.strategy.id, occurrence);
    }
    return true;
  }

  private async claimAndSubmit(page: MatchedPage, occurrence: string, catchUp: boolean) {
    const { id, amount, mode } = this.strategy;
    this.counts.matched += page.matched.length + page.capped.length;
    this.counts.skipped += page.capped.length;
    await this.deps.interactive?.idle();
    const claimed = await this.deps.store.claimEntries(
      page.matched.map((userId) => ({
        strategyId: id,
        occurrence,
        userId,
        amount,
        mode,
        idempotencyKey: idempotencyKey(id, occurrence, userId),
        catchUp,
      })),
    );
    // A row we could not insert was claimed by someone else in the meantime.
    this.counts.skipped += page.matched.length - claimed.length;
    await this.pipeline.submit(claimed);
  }

  /** Re-sends a page of earlier rows and records the outcomes. */
  private async resend(entries: ClaimedEntry[]): Promise<void> {
    await this.pipeline.submit(entries);
    await this.pipeline.drain();
    this.pipeline.takeBackQueued();
  }

  private async record(outcomes: DeliveryOutcome[]): Promise<void> {
    await this.deps.interactive?.idle();
    await this.deps.store.recordOutcomes(outcomes);
    this.deps.observer?.grantsRecorded(outcomes);
    for (const outcome of outcomes) {
      if (outcome.status === 'applied') this.counts.granted++;
      else this.counts.failed++;
    }
  }

  /** Throws when the lease was lost; true when the process is stopping. */
  private checkpoint(): boolean {
    if (this.lease.lost())
      throw new LeaseLostError(`lease on strategy ${this.strategy.id} was lost`);
    return this.deps.isStopping?.() === true;
  }

  /** The breaker's word (RunDeps.gatewayHealth), logged once per run when it says "down". */
  private gatewayDown(): boolean {
    if (this.deps.gatewayHealth?.available() !== false) return false;
    if (!this.pausedLogged) {
      this.pausedLogged = true;
      this.deps.logger.warn(
        'gateway unavailable (circuit breaker open): grants of this strategy paused until it recovers',
        { strategy_id: this.strategy.id },
      );
    }
    return true;
  }

  private windDown(): Promise<void> {
    return windDown(this.pipeline, this.strategy.id, this.deps, this.lease);
  }
}
