// The run's helpers that do not need its state: stopping deliveries early and paging through
// earlier ledger rows.
import {
  idempotencyKey,
  type ClaimedEntry,
  type LedgerStatus,
  type NewLedgerEntry,
} from '../model/ledger-entry.ts';
import type { Strategy } from '../model/strategy.ts';
import type { ScanStore } from '../ports/scan-store.ts';
import type { DeliveryPipeline } from './delivery-pipeline.ts';
import type { RunDeps } from './run-deps.ts';
import type { RunLease } from './run-lease.ts';

/**
 * Stops a run's deliveries early (shutdown, lost lease, error, changed strategy): grants not
 * yet sent are taken back and, while we still hold the lease, their rows are given back (never
 * attempted: deleted, so a later run claims them again instead of settling them as orphans).
 * Calls already in flight finish and are recorded. A batch being marked `sending` while this
 * starts is taken back once the drain has waited for it.
 */
export async function windDown(
  pipeline: DeliveryPipeline,
  lease: RunLease,
  deps: Pick<RunDeps, 'store' | 'logger'>,
): Promise<void> {
  const unsent = pipeline.takeBackQueued();
  await pipeline.drain();
  unsent.push(...pipeline.takeBackQueued());
  const strategyId = lease.fence.strategyId;
  if (unsent.length === 0 || lease.lost()) return;
  try {
    const released = await deps.store.releaseClaims(
      lease.fence,
      unsent.map((entry) => entry.id),
    );
    deps.logger.info('unsent grants released', { strategy_id: strategyId, released });
  } catch (error) {
    deps.logger.warn('could not release unsent grants; the next run settles them', {
      strategy_id: strategyId,
      count: unsent.length,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** Calls `handle` page by page until there are no rows left or it returns true (stop). */
export async function forEachEntryPage(
  store: ScanStore,
  strategyId: number,
  statuses: LedgerStatus[],
  deps: RunDeps,
  handle: (entries: ClaimedEntry[]) => Promise<boolean>,
  maxAttempts?: number,
): Promise<void> {
  // The id cursor makes each row visited once per run even when it fails again.
  let afterId = 0;
  for (;;) {
    const grants = await store.findEntries(strategyId, statuses, {
      limit: deps.pageSize,
      afterId,
      maxAttempts,
    });
    if (grants.length === 0) return;
    afterId = grants[grants.length - 1]!.id;
    if (await handle(grants)) return;
  }
}

/** The pending ledger rows a run claims for these users (the insert is the claim). */
export function newEntries(
  strategy: Strategy,
  userIds: string[],
  occurrence: string,
  catchUp: boolean,
): NewLedgerEntry[] {
  const { id, amount, mode, version } = strategy;
  return userIds.map((userId) => ({
    strategyId: id,
    occurrence,
    userId,
    amount,
    mode,
    idempotencyKey: idempotencyKey(id, occurrence, userId),
    catchUp,
    strategyVersion: version,
  }));
}
