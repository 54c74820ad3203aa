// Runs one strategy for one occurrence under a database lease: settle what earlier runs left
// (orphaned pending rows, failed rows), then claim and deliver grants page by page.
// Exactly-once rests on two facts: the ledger row is inserted under a UNIQUE key before the
// gateway is called (only the inserter sends), and every send of a row uses the same
// idempotency key.
import { parse } from '../../condition/index.ts';
import type { Clock } from '../clock.ts';
import { idempotencyKey, type Grant, type GrantOutcome, type GrantStatus } from '../ledger.ts';
import type { Strategy } from '../strategy.ts';
import { deliverGrant, type DeliveryOptions } from './deliver-grants.ts';
import { DeliveryPipeline } from './delivery-pipeline.ts';
import { matchingUsers } from './matching-users.ts';
import type { GrantGateway, InteractiveWork, ScanLogger, ScanStore } from './ports.ts';
import type { ScanObserver } from './ports.ts';

export interface RunDeps {
  store: ScanStore;
  gateway: GrantGateway;
  clock: Clock;
  logger: ScanLogger;
  /** Identity of this process in leases (host:pid:random). */
  holder: string;
  pageSize: number;
  leaseMs: number;
  ledgerMaxAttempts: number;
  delivery: DeliveryOptions;
  /** True once the process is shutting down: finish the calls in flight, release unsent claims, claim nothing more. */
  isStopping?: () => boolean;
  /** Hears finished runs and recorded grants (metrics). */
  observer?: ScanObserver;
  /**
   * False while the gateway is known to be down (its circuit breaker is open): the run then
   * claims and sends nothing more, so an outage does not turn every eligible user into a
   * failed row. Absent: always available.
   */
  gatewayAvailable?: () => boolean;
  /**
   * Interactive work (API requests) to let go first: `idle()` is awaited before each heavy step
   * of a run (candidate page, claim, ledger write) and no new gateway call starts while
   * `busy()`. Absent: no waiting.
   */
  interactive?: InteractiveWork;
}

export interface RunCounts {
  matched: number;
  granted: number;
  skipped: number;
  failed: number;
}

export interface StrategyRunResult extends RunCounts {
  strategyId: number;
  occurrence: string | null;
  /** False when another process holds the strategy's lease; nothing was done. */
  leased: boolean;
}

export class LeaseLostError extends Error {
  readonly code = 'lease_lost';
}

const ORPHAN_MESSAGE =
  'outcome unknown: the process stopped after claiming this grant and the gateway does not honour idempotency keys; resolve it as applied or retry';

/** One occurrence to grant; `catchUp` marks an occurrence granted late after missed runs. */
export interface DueOccurrence {
  occurrence: string;
  catchUp: boolean;
}

/**
 * A periodic occurrence marked done is never scanned for users again, by ticks, runs or
 * previews: ledger retention may have deleted its rows, and the ledger is what stops a second
 * grant.
 */
export async function isOccurrenceClosed(
  strategy: Strategy,
  occurrence: string,
  store: ScanStore,
): Promise<boolean> {
  return strategy.type === 'periodic' && (await store.isOccurrenceDone(strategy.id, occurrence));
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
  const counts: RunCounts = { matched: 0, granted: 0, skipped: 0, failed: 0 };
  const occurrence = due.length > 0 ? due[due.length - 1]!.occurrence : null;
  const result = (leased: boolean): StrategyRunResult => {
    const finished: StrategyRunResult = { strategyId: strategy.id, occurrence, leased, ...counts };
    // Every return goes through here: the observer hears each run that held the lease.
    if (leased) deps.observer?.strategyRunFinished(finished, deps.clock.now());
    return finished;
  };
  const { store, clock, holder, leaseMs } = deps;
  if (!(await store.acquireLease(strategy.id, holder, clock.now().getTime(), leaseMs)))
    return result(false);
  const lease = keepLease(strategy.id, deps);
  const checkpoint = () => {
    if (lease.lost()) throw new LeaseLostError(`lease on strategy ${strategy.id} was lost`);
    return deps.isStopping?.() === true;
  };

  const log = deps.logger;
  const record = async (outcomes: GrantOutcome[]) => {
    await deps.interactive?.idle();
    await store.recordOutcomes(outcomes);
    deps.observer?.grantsRecorded(outcomes);
    for (const outcome of outcomes) {
      if (outcome.status === 'applied') counts.granted++;
      else counts.failed++;
    }
  };
  let pausedLogged = false;
  const gatewayDown = () => {
    if (deps.gatewayAvailable?.() !== false) return false;
    if (!pausedLogged) {
      pausedLogged = true;
      log.warn(
        'gateway unavailable (circuit breaker open): grants of this strategy paused until it recovers',
        { strategy_id: strategy.id },
      );
    }
    return true;
  };

  const pipeline = new DeliveryPipeline(
    (grant) => deliverGrant(grant, deps.gateway, deps.delivery, log),
    record,
    {
      concurrency: deps.delivery.concurrency,
      // The next page is claimed once half of this one is sent: early enough for the claim to
      // finish before the queue runs dry, late enough that a crash orphans at most 1.5 pages
      // (with a gateway that ignores idempotency keys, orphans become `unknown` rows).
      maxQueued: Math.max(deps.delivery.concurrency, Math.ceil(deps.pageSize / 2)),
      recordBatch: deps.pageSize,
      paused: gatewayDown,
      yieldTo: deps.interactive,
    },
  );
  /**
   * Re-sends a page of earlier rows and records the outcomes. Rows left unsent because the
   * gateway went down stay as they are (they may have been sent before: never released).
   */
  const resend = async (grants: Grant[]) => {
    await pipeline.submit(grants);
    await pipeline.drain();
    pipeline.takeBackQueued();
  };

  try {
    // 1. Pending rows while we hold the lease can only be orphans of a run that died.
    await forEachGrantPage(store, strategy.id, ['pending'], deps, async (grants) => {
      if (deps.delivery.honoursIdempotency) {
        if (gatewayDown()) return true;
        await resend(grants);
      } else {
        await record(
          grants.map((g) => ({ id: g.id, status: 'unknown', lastError: ORPHAN_MESSAGE })),
        );
      }
      return checkpoint();
    });
    // 2. Failed rows: re-send with the same key, a bounded number of times in total.
    await forEachGrantPage(
      store,
      strategy.id,
      ['failed'],
      deps,
      async (grants) => {
        if (gatewayDown()) return true;
        await resend(grants);
        return checkpoint();
      },
      deps.ledgerMaxAttempts,
    );

    if (due.length === 0 || checkpoint() || gatewayDown()) return result(true);
    const parsed = parse(strategy.condition);
    if (!parsed.ok) {
      // Conditions are validated on write; this only happens if the language got stricter.
      log.error('stored condition no longer parses; strategy skipped', {
        strategy_id: strategy.id,
        errors: parsed.errors,
      });
      return result(true);
    }
    // 3. New grants, occurrence by occurrence, page by page. The pipeline delivers one page
    // while the next is claimed, and writes outcomes while deliveries go on.
    try {
      for (const { occurrence: current, catchUp } of due) {
        if (strategy.type === 'periodic') await store.markOccurrenceOpen(strategy.id, current);
        for await (const page of matchingUsers(strategy, parsed.ast, current, deps)) {
          counts.matched += page.matched.length + page.capped.length;
          counts.skipped += page.capped.length;
          await deps.interactive?.idle();
          const claimed = await store.claimGrants(
            page.matched.map((userId) => ({
              strategyId: strategy.id,
              occurrence: current,
              userId,
              amount: strategy.amount,
              idempotencyKey: idempotencyKey(strategy.id, current, userId),
              catchUp,
            })),
          );
          // A row we could not insert was claimed by someone else in the meantime.
          counts.skipped += page.matched.length - claimed.length;
          await pipeline.submit(claimed);
          if (lease.lost() || deps.isStopping?.() === true || gatewayDown()) {
            await windDown(pipeline, strategy.id, deps, lease);
            checkpoint();
            return result(true);
          }
        }
        await pipeline.drain();
        if (gatewayDown()) {
          // Paused with grants still queued (drain does not send them): release them.
          await windDown(pipeline, strategy.id, deps, lease);
          return result(true);
        }
        if (
          strategy.type === 'periodic' &&
          (await store.countUnsettled(strategy.id, current)) === 0
        ) {
          await store.markOccurrenceDone(strategy.id, current);
        }
      }
    } catch (error) {
      // Claimed grants must not be left in flight behind our back, nor queued for nobody.
      await windDown(pipeline, strategy.id, deps, lease).catch(() => undefined);
      throw error;
    }
    return result(true);
  } finally {
    lease.stop();
    await store
      .releaseLease(strategy.id, holder)
      .catch((error: Error) =>
        log.warn('lease release failed; it will expire', {
          strategy_id: strategy.id,
          error: error.message,
        }),
      );
  }
}

/**
 * Stops a run's deliveries early (shutdown, lost lease, error): grants not yet sent are taken
 * back and, while we still hold the lease, their rows are deleted, so they are claimed again
 * by a later run instead of being settled as orphans (which, with a gateway that ignores
 * idempotency keys, would make them `unknown`). Calls already in flight finish and are recorded.
 */
async function windDown(
  pipeline: DeliveryPipeline,
  strategyId: number,
  deps: RunDeps,
  lease: { lost(): boolean },
): Promise<void> {
  const unsent = pipeline.takeBackQueued();
  if (unsent.length > 0 && !lease.lost()) {
    try {
      const released = await deps.store.releaseClaims(
        strategyId,
        deps.holder,
        unsent.map((grant) => grant.id),
        deps.clock.now().getTime(),
      );
      deps.logger.info('unsent grants released', { strategy_id: strategyId, released });
    } catch (error) {
      deps.logger.warn('could not release unsent grants; the next run settles them', {
        strategy_id: strategyId,
        count: unsent.length,
        error: (error as Error).message,
      });
    }
  }
  await pipeline.drain();
}

/**
 * Renews the lease in the background (every third of its lifetime) for as long as the run
 * lasts, so a slow gateway cannot let it lapse mid-page. A failed renewal marks it lost; the
 * run then stops at its next checkpoint, before claiming anything more.
 */
function keepLease(strategyId: number, deps: RunDeps): { lost(): boolean; stop(): void } {
  let lost = false;
  const timer = setInterval(
    () => {
      deps.store
        .acquireLease(strategyId, deps.holder, deps.clock.now().getTime(), deps.leaseMs)
        .then((held) => {
          if (!held) lost = true;
        })
        .catch((error: Error) => {
          lost = true;
          deps.logger.warn('lease renewal failed', {
            strategy_id: strategyId,
            error: error.message,
          });
        });
    },
    Math.max(1000, Math.floor(deps.leaseMs / 3)),
  );
  timer.unref();
  return { lost: () => lost, stop: () => clearInterval(timer) };
}

/** Calls `handle` page by page until there are no rows left or it returns true (stop). */
async function forEachGrantPage(
  store: ScanStore,
  strategyId: number,
  statuses: GrantStatus[],
  deps: RunDeps,
  handle: (grants: Grant[]) => Promise<boolean>,
  maxAttempts?: number,
): Promise<void> {
  // The id cursor makes each row visited once per run even when it fails again.
  let afterId = 0;
  for (;;) {
    const grants = await store.findGrants(strategyId, statuses, {
      limit: deps.pageSize,
      afterId,
      maxAttempts,
    });
    if (grants.length === 0) return;
    afterId = grants[grants.length - 1]!.id;
    if (await handle(grants)) return;
  }
}
