// The budget check a run makes before granting an occurrence: count what the occurrence would
// grant in total (already granted included) and hold it when a cap would be exceeded. A held
// occurrence grants nothing and leaves the ledger untouched; each later run checks again, so
// raising the cap (PATCH) releases it, and an operator's approval lets it past the caps.
// An occurrence that fits gets an allowance (claim-allowance.ts): users who start to match
// while the run pages through it are claimed only as far as the caps allow.
import type { ConditionAst } from '../../condition/index.ts';
import type { HeldOccurrence } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { ClaimAllowance } from './claim-allowance.ts';
import {
  budgetApplies,
  forecastOccurrence,
  type OccurrenceForecast,
} from './occurrence-forecast.ts';
import { holdOccurrence, releaseHold, supersedeOlderHolds } from './hold-changes.ts';
import type { RunDeps } from './run-deps.ts';

export type { HeldOccurrence };

/** A run's budget for one occurrence, from the check made before its first claim. */
export interface OccurrenceBudget {
  /** Non-null when a cap holds the occurrence (it is marked held): nothing is claimed. */
  held: HeldOccurrence | null;
  /** What the run may claim; `cut` once a cap left a user out. */
  allowance: ClaimAllowance;
  /**
   * The same check made again, after the claims of a run the allowance cut: the occurrence is
   * then held (marked and logged once) when it still needs more than the caps, else left open.
   */
  recount(): Promise<HeldOccurrence | null>;
}

export async function checkBudget(
  strategy: Strategy,
  condition: ConditionAst,
  occurrence: string,
  deps: RunDeps,
): Promise<OccurrenceBudget> {
  const recount = async () => (await checkBudget(strategy, condition, occurrence, deps)).held;
  const budget = (held: HeldOccurrence | null, allowance: ClaimAllowance) => ({
    held,
    allowance,
    recount,
  });
  await supersedeOlderHolds(deps.store, deps.logger, strategy, occurrence);
  if (!budgetApplies(strategy, deps)) return budget(null, ClaimAllowance.unlimited());
  const forecast = await forecastOccurrence(strategy, condition, occurrence, deps);
  if (forecast.held === null) {
    if (forecast.status === 'held') await releaseHold(deps.store, strategy.id, occurrence);
    return budget(null, allowanceOf(strategy, forecast, deps));
  }
  const held = { occurrence, ...forecast.held };
  if (await holdOccurrence(deps.store, strategy.id, occurrence)) {
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
  return budget(held, new ClaimAllowance(strategy, { users: 0, amountCents: 0 }, deps));
}

/** The occurrence's bounds (caps, or an approval's counts), less what its ledger rows count. */
function allowanceOf(strategy: Strategy, forecast: OccurrenceForecast, deps: RunDeps) {
  const { bounds, granted } = forecast;
  return new ClaimAllowance(
    strategy,
    {
      users: bounds.maxUsers === null ? null : bounds.maxUsers - granted.users,
      amountCents:
        bounds.maxAmount === null ? null : Math.round(bounds.maxAmount * 100) - granted.amountCents,
    },
    deps,
  );
}
