// Which users a single strategy's tick reads: all of them (a full scan) or only those whose
// row changed since its last completed scan (an incremental one). docs/strategies.md, "Full
// and incremental scans", says why this is safe.
//
// A single strategy grants each user once, and its condition (unless it reads the gateway)
// depends only on the user's stored row and absolute timestamps. So a user it did not grant to
// at its last completed scan can only match now if their row changed since, or the strategy
// did. Users whose grant did not finish are not found through user rows at all: the run's
// settle passes retry their ledger rows (failed, pending, sending) whatever the scan reads.
import { conditionFunctions, type ConditionAst } from '../../condition/index.ts';
import type { Strategy } from '../model/strategy.ts';
import type { ChangeRange, ScanPosition } from '../ports/scan-store.ts';
import type { RunDeps } from './run-deps.ts';

export interface ScanPlan {
  /**
   * The change sequence read before the scan read any user: its position once it completes.
   * Null for periodic strategies: each occurrence is a new grant for every matching user, so
   * their scans are always full and keep no position.
   */
  upTo: number | null;
  /** Only users changed in this range; null: every user (a full scan). */
  changes: ChangeRange | null;
}

/**
 * Starts the scan of one occurrence: a periodic occurrence is recorded as open; a single
 * strategy's scan is planned full or incremental.
 *
 * Full when the strategy never completed a scan, completed it at another version (a change of
 * the condition, the window, the amount, …, may widen who matches; a new title, name or
 * `enabled` makes no version: model/strategy-version.ts says why), or its condition reads the
 * gateway (quota-le/quota-ge answer differently as balances move, with no user row changing);
 * also when the stored position is ahead of the counter (a database restored from a backup),
 * and every SCAN_FULL_EVERY_MS since the last full scan the position records, for rows written
 * into user_info by other programs (full-scan-schedule.ts).
 * The mode does not matter: top_up and reset read the balance when they send, not to decide
 * who matches, and a single strategy grants each user at most once whatever the balance.
 */
export async function beginOccurrenceScan(
  strategy: Strategy,
  condition: ConditionAst,
  occurrence: string,
  deps: Pick<RunDeps, 'store' | 'clock' | 'fullScans'>,
): Promise<ScanPlan> {
  if (strategy.type !== 'single') {
    await deps.store.markOccurrenceOpen(strategy.id, occurrence);
    return { upTo: null, changes: null };
  }
  // Read first: every user written after this is left to the next scan (its value is larger).
  const upTo = await deps.store.changeSequence();
  const position = await deps.store.scanPosition(strategy.id);
  return {
    upTo,
    changes: continuesFrom(strategy, condition, position, upTo, deps)
      ? { after: position.changeSeq, upTo }
      : null,
  };
}

/**
 * Whether a single strategy's scan may read only the users changed after `position` (the rules
 * above), with the change counter at `upTo`. Also what up-to-date.ts asks before a tick skips it.
 */
export function continuesFrom(
  strategy: Strategy,
  condition: ConditionAst,
  position: ScanPosition | null,
  upTo: number,
  deps: Pick<RunDeps, 'clock' | 'fullScans'>,
): position is ScanPosition {
  return (
    position !== null &&
    position.strategyVersion === strategy.version &&
    position.changeSeq <= upTo &&
    !conditionFunctions(condition).needsGateway &&
    !(
      deps.fullScans?.isDue(
        strategy.id,
        deps.clock.now().getTime(),
        position.fullScanAt.getTime(),
      ) ?? false
    )
  );
}

/**
 * Ends the scan of an occurrence that completed: every matching user was read, claimed and
 * sent. A periodic occurrence with nothing left to settle is done; a single strategy stores
 * its position. Called only then (not after a stop for a changed version, a lost lease, the
 * breaker, a budget hold, a cap that left users out, or shutdown), so a stopped scan is read
 * again from the old position.
 */
export async function finishOccurrenceScan(
  strategy: Strategy,
  occurrence: string,
  plan: ScanPlan,
  read: number,
  deps: Pick<RunDeps, 'store' | 'logger' | 'clock' | 'fullScans'>,
): Promise<void> {
  const { store } = deps;
  const full = plan.upTo !== null && plan.changes === null;
  if (full) deps.fullScans?.completed(strategy.id);
  if (plan.upTo === null) {
    if ((await store.countUnsettled(strategy.id, occurrence)) === 0)
      await store.markOccurrenceDone(strategy.id, occurrence);
    return;
  }
  // A tick that found nothing new leaves the position where it was: no write.
  if (plan.changes?.after !== plan.upTo)
    await store.saveScanPosition(strategy.id, {
      changeSeq: plan.upTo,
      strategyVersion: strategy.version,
      // In the database, so the interval counts across restarts and replicas.
      fullScanAt: full ? deps.clock.now() : undefined,
    });
  deps.logger.debug('single strategy scanned', {
    strategy_id: strategy.id,
    scan: plan.changes === null ? 'full' : 'incremental',
    changes_after: plan.changes?.after ?? null,
    changes_up_to: plan.upTo,
    candidates_read: read,
  });
}
