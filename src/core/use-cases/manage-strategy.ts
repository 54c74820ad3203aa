// Reading, enabling, disabling and deleting strategies: no rules beyond the store's 404/409.
// Changes are audited in the store's transaction.
import type { Strategy } from '../model/strategy.ts';
import type { CountedPage, StrategyListFilter } from '../ports/stores.ts';
import { keysetPage } from './keyset-page.ts';
import { releaseHoldsOfDisabled } from '../scan/hold-changes.ts';
import { auditFor } from './audit-trail.ts';
import type { CoreDeps } from './deps.ts';

type Deps = Pick<CoreDeps, 'strategies'>;
type ChangeDeps = Pick<CoreDeps, 'strategies' | 'actor' | 'clock'>;
type EnableDeps = ChangeDeps & Pick<CoreDeps, 'scan' | 'logger'>;

export const getStrategy = (deps: Deps, id: number): Promise<Strategy> => deps.strategies.get(id);

/** A page of strategies by id, the id to continue after (null on the last page) and the count. */
export async function listStrategies(
  deps: Deps,
  filter: StrategyListFilter,
): Promise<CountedPage<Strategy>> {
  const page = await deps.strategies.list({ ...filter, limit: filter.limit + 1 });
  return keysetPage(page, filter.limit, (s) => s.id);
}

/** Disabling also releases the strategy's holds (hold-changes.ts): nothing waits while it is off. */
export async function setStrategyEnabled(
  deps: EnableDeps,
  id: number,
  enabled: boolean,
): Promise<Strategy> {
  const before = await deps.strategies.get(id);
  // Already so: nothing changes, so nothing is audited and no event goes out (a retried click
  // or script must not read as a second change in the trail or wake a webhook receiver).
  if (before.enabled === enabled) return before;
  const audit = auditFor(deps, {
    action: enabled ? 'strategy.enable' : 'strategy.disable',
    targetType: 'strategy',
    targetId: String(id),
    changes: { enabled: { before: before.enabled, after: enabled } },
  });
  const changed = await deps.strategies.setEnabled(id, enabled, audit);
  if (!enabled) await releaseHoldsOfDisabled(deps.scan.store, deps.logger, id);
  return changed;
}

/** Deletes the strategy and its bookkeeping; its ledger rows stay for audit. */
export const deleteStrategy = (deps: ChangeDeps, id: number): Promise<void> =>
  deps.strategies.delete(
    id,
    auditFor(deps, { action: 'strategy.delete', targetType: 'strategy', targetId: String(id) }),
  );
