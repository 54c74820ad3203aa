// Reading, enabling, disabling and deleting strategies: no rules beyond the store's 404/409.
import type { Strategy } from '../model/strategy.ts';
import type { Page, StrategyListFilter } from '../ports/stores.ts';
import type { CoreDeps } from './deps.ts';

type Deps = Pick<CoreDeps, 'strategies'>;

export const getStrategy = (deps: Deps, id: number): Promise<Strategy> => deps.strategies.get(id);

export const listStrategies = (deps: Deps, filter: StrategyListFilter): Promise<Page<Strategy>> =>
  deps.strategies.list(filter);

export const setStrategyEnabled = (deps: Deps, id: number, enabled: boolean): Promise<Strategy> =>
  deps.strategies.setEnabled(id, enabled);

/** Deletes the strategy and its bookkeeping; its ledger rows stay for audit. */
export const deleteStrategy = (deps: Deps, id: number): Promise<void> => deps.strategies.delete(id);
