// Runs one strategy for its due occurrences under a database lease, in named steps over one
// run object: settle what earlier runs left (rows in doubt, orphaned pending rows, failed
// rows), then grant each occurrence page by page. Exactly-once rests on three facts: the ledger
// row is inserted under a UNIQUE key before the gateway is called; every ledger change is a
// compare-and-set under the run's lease token, and nothing is sent past the lease's deadline
// (run-lease.ts); a row in doubt is settled only once no delta of it can still arrive
// (settle-doubts.ts). The settle passes over earlier rows are settle-earlier-entries.ts.
import { parse, type ConditionAst } from '../../condition/index.ts';
import { lotSettings, occurrenceTerms } from '../lots/lot-terms.ts';
import type { ClaimedEntry } from '../model/ledger-entry.ts';
import type { DueOccurrence, RunCounts, StrategyRunResult } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { checkBudget, type HeldOccurrence } from './budget-check.ts';
import { deliverEntry } from './deliver-entry.ts';
import { DeliveryPipeline } from './delivery-pipeline.ts';
import { prepareSend } from './prepare-send.ts';
import { matchingUsers, type MatchedPage } from './matching-users.ts';
import type { RunDeps } from './run-deps.ts';
import { RunLease } from './run-lease.ts';
import { RunLedger } from './run-ledger.ts';
import { newEntries, windDown } from './run-steps.ts';
import { reportCompleted } from './occurrence-completed.ts';
import { settleEarlierEntries } from './settle-earlier-entries.ts';
import { beginOccurrenceScan, finishOccurrenceScan } from './scan-plan.ts';

export class LeaseLostError extends Error {
  readonly code = 'lease_lost';
}
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
    if (await run.definitionChanged()) return run.result(true);
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
  /** Set by acquireLease; every other step runs only once it is held. */
  private lease!: RunLease;
  private pausedLogged = false;
  /** The last occurrence a budget cap held in this run, if any. */
  private held: HeldOccurrence | null = null;
  /** Users the candidate queries of this run returned. */
  private read = 0;
  private readonly ledger: RunLedger;

  constructor(
    private readonly strategy: Strategy,
    private readonly due: readonly DueOccurrence[],
    private readonly deps: RunDeps,
  ) {
    this.ledger = new RunLedger(() => this.lease, strategy.version, deps, this.counts);
    this.pipeline = new DeliveryPipeline(
      (entry) =>
        deliverEntry(entry, deps.gateway, deps.delivery, deps.logger, this.lease.sendDeadline()),
      (outcomes) => this.ledger.record(outcomes),
      {
        concurrency: deps.delivery.concurrency,
        // The next page is claimed once half of this one is sent: early enough for the claim to
        // finish before the queue runs dry, late enough that a crash orphans at most 1.5 pages
        // (with a gateway that ignores idempotency keys, orphans become `unknown` rows).
        maxQueued: Math.max(deps.delivery.concurrency, Math.ceil(deps.pageSize / 2)),
        recordBatch: deps.pageSize,
        prepareSend: (grants) => prepareSend(strategy, this.lease.fence, grants, deps),
        // Stopping: nothing more is sent (calls in flight are aborted); windDown takes it back.
        paused: () => this.deps.isStopping?.() === true || this.gatewayDown(),
        yieldTo: deps.interactive,
      },
    );
  }

  /** The run's answer; every run that held the lease is reported to the observer. */
  result(leased: boolean): StrategyRunResult {
    const occurrence = this.due.length > 0 ? this.due[this.due.length - 1]!.occurrence : null;
    const finished = {
      strategyId: this.strategy.id,
      occurrence,
      leased,
      ...this.counts,
      held: this.held,
    };
    if (leased) this.deps.observer?.strategyRunFinished(finished, this.deps.clock.now());
    return finished;
  }

  async acquireLease(): Promise<boolean> {
    const lease = await RunLease.acquire(this.strategy.id, this.deps);
    if (lease === null) return false;
    this.lease = lease;
    return true;
  }

  async releaseLease(): Promise<void> {
    await this.lease.release().catch((error: unknown) =>
      this.deps.logger.warn('lease release failed; it will expire', {
        strategy_id: this.strategy.id,
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  }

  /**
   * Steps 1 and 2: rows earlier runs left (settle-earlier-entries.ts). Returns whether to go on
   * granting new occurrences.
   */
  async settleEarlierEntries(): Promise<boolean> {
    await settleEarlierEntries({
      strategyId: this.strategy.id,
      deps: this.deps,
      ledger: this.ledger,
      databaseNowAtLeast: () => this.lease.databaseNow().atLeast,
      gatewayDown: () => this.gatewayDown(),
      checkpoint: () => this.checkpoint(),
      resend: (entries) => this.resend(entries),
      refused: () => this.pipeline.refused,
    });
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
  private async grantOccurrence(due: DueOccurrence, condition: ConditionAst): Promise<boolean> {
    const { occurrence } = due;
    const budget = await checkBudget(this.strategy, condition, occurrence, this.deps);
    if (budget.held) {
      this.held = budget.held;
      return true; // nothing granted for it; later occurrences are checked on their own
    }
    await this.saveLotTerms(occurrence);
    const plan = await beginOccurrenceScan(this.strategy, condition, occurrence, this.deps);
    const before = { ...this.ledger.events.totals };
    const pages = matchingUsers(
      this.strategy,
      condition,
      occurrence,
      this.deps,
      null,
      plan.changes,
    );
    for await (const page of pages) {
      // A strategy deleted, disabled or changed since this run read it grants nothing more
      // under the old definition: at most the page before this check and the calls in flight.
      if (await this.definitionChanged()) {
        await this.windDown();
        return false;
      }
      await this.claimAndSubmit(page, due, await budget.allowance.take(page.matched));
      if (this.lease.lost() || this.deps.isStopping?.() === true || this.gatewayDown()) {
        await this.windDown();
        this.checkpoint();
        return false;
      }
    }
    await this.pipeline.drain();
    if (this.gatewayDown() || this.pipeline.refused || this.deps.isStopping?.() === true) {
      // Paused, refused or stopping, grants still queued (drain does not send them): release them.
      await this.windDown();
      return false;
    }
    // Users the cap left out (they matched after the check) keep the occurrence unfinished.
    if (budget.allowance.cut) this.held = (await budget.recount()) ?? this.held;
    else await finishOccurrenceScan(this.strategy, occurrence, plan, this.read, this.deps);
    await reportCompleted(this.strategy, occurrence, before, this.ledger.events.totals, this.deps);
    return true;
  }

  /** The occurrence's lot terms, written before its first claim (lot-terms.ts). */
  private async saveLotTerms(occurrence: string): Promise<void> {
    const terms = occurrenceTerms(lotSettings(this.strategy), occurrence);
    if (terms !== null) await this.deps.lots?.saveLotTerms(this.strategy.id, occurrence, terms);
  }

  private async claimAndSubmit(page: MatchedPage, due: DueOccurrence, allowed: string[]) {
    this.read += page.read;
    this.counts.matched += page.matched.length + page.capped.length;
    this.counts.skipped += page.capped.length;
    await this.deps.interactive?.idle();
    const claimed = await this.deps.store.claimEntries(
      newEntries(this.strategy, allowed, due.occurrence, due.catchUp),
      this.lease.fence,
    );
    // Not claimed: left out by a budget cap, or claimed by someone else in the meantime.
    this.counts.skipped += page.matched.length - claimed.length;
    this.ledger.events.remember(claimed);
    await this.pipeline.submit(claimed);
  }

  /** Re-sends a page of earlier rows and records the outcomes; gives back what was not sent. */
  private async resend(entries: ClaimedEntry[]): Promise<void> {
    this.ledger.events.remember(entries);
    await this.pipeline.submit(entries);
    await this.pipeline.drain();
    await this.windDown();
  }

  /**
   * Whether the strategy was deleted, disabled or changed (its version moved on) since this run
   * read it: one primary-key read, made once per page. Between pages the `sending` mark itself
   * checks the version (prepare-send.ts), so a change stops sends within one small batch; this
   * check stops the claims.
   */
  async definitionChanged(): Promise<boolean> {
    if (this.pipeline.refused) return true;
    const current = await this.deps.store.currentStrategy(this.strategy.id);
    if (current !== null && current.version === this.strategy.version) return false;
    this.deps.logger.info(
      'strategy changed during its run; stopped (the next run uses it as it is now)',
      {
        strategy_id: this.strategy.id,
        version: this.strategy.version,
        current_version: current?.version ?? null,
      },
    );
    return true;
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
    return windDown(this.pipeline, this.lease, this.deps);
  }
}
