// The budget check a run makes before granting an occurrence: count what the occurrence would
// grant in total (already granted included) and hold it when a cap would be exceeded. A held
// occurrence grants nothing and leaves the ledger untouched; each later run checks again, so
// raising the cap (PATCH) releases it, and an operator's approval lets it past the caps.
import type { ConditionAst } from '../../condition/index.ts';
import type { HeldOccurrence } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { budgetApplies, forecastOccurrence } from './occurrence-forecast.ts';
import type { RunDeps } from './run-deps.ts';

export type { HeldOccurrence };

/** Null when the occurrence may be granted; otherwise why it is held (and it is marked held). */
export async function checkBudget(
  strategy: Strategy,
  condition: ConditionAst,
  occurrence: string,
  deps: RunDeps,
): Promise<HeldOccurrence | null> {
  if (!budgetApplies(strategy, deps)) return null;
  const forecast = await forecastOccurrence(strategy, condition, occurrence, deps);
  if (forecast.held === null) {
    if (forecast.status === 'held') await deps.store.releaseHold(strategy.id, occurrence);
    return null;
  }
  const held = { occurrence, ...forecast.held };
  if (await deps.store.markOccurrenceHeld(strategy.id, occurrence)) {
    // Logged once, when the occurrence becomes held; the gauge shows it for as long as it is.
    deps.logger.error('occurrence held: a budget cap would be exceeded; nothing granted', {
      strategy_id: strategy.id,
      occurrence,
      needed_users: held.neededUsers,
      needed_amount: held.neededAmount,
      max_users_per_occurrence: held.maxUsers,
      max_amount_per_occurrence: held.maxAmount,
    });
  }
  return held;
}
