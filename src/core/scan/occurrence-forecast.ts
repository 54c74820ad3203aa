// What an occurrence would do if it ran now, counted without claiming or sending anything: the
// users with a grant already, those the condition selects and max_exec_per_user leaves in, the
// amount, and whether a budget cap holds the occurrence. Previews, the budget check before a
// run, explain and the strategy's statistics all count here, so they cannot disagree.
import type { ConditionAst } from '../../condition/index.ts';
import type { Strategy } from '../model/strategy.ts';
import {
  budgetCaps,
  budgetHold,
  hasCaps,
  occurrenceBounds,
  type BudgetCaps,
  type HeldBudget,
} from './budget-caps.ts';
import { grantChanges, NOT_READ, type AmountDeps, type UserChange } from './grant-amount.ts';
import { throwIfStopped } from './balance-reads.ts';
import { matchingUsers, type MatchingDeps } from './matching-users.ts';

export type ForecastDeps = MatchingDeps &
  AmountDeps & {
    defaultMaxUsersPerOccurrence?: number;
    /** A preview's or explanation's request: aborted, the count stops (balance-reads.ts). */
    signal?: AbortSignal;
  };

export interface OccurrenceForecast {
  /** Users with a ledger row for the occurrence (any status). */
  alreadyGranted: number;
  /** Condition TRUE now, no ledger row yet, left out by max_exec_per_user. */
  capped: number;
  /** Condition TRUE now, no ledger row yet, not capped: whom a run would grant, budget allowing. */
  eligible: number;
  /** What the eligible users' grants would change in all (a reset that drains counts < 0). */
  eligibleAmountCents: number;
  /** What they would raise: max(0, change) each, the measure of an amount cap. */
  eligibleRaiseCents: number;
  /** Users and raises of the occurrence's ledger rows (ScanStore.occurrenceEntryTotals). */
  granted: { users: number; amountCents: number };
  /** The first eligible users, by id. */
  sample: string[];
  /** top_up, reset: the first eligible users' live balance and change (add: none kept). */
  sampleChanges: UserChange[];
  /** top_up, reset: eligible users whose balance could not be read (not in the amount). */
  balanceUnread: number;
  /** top_up, reset: eligible users whose balance was not read: the read budget was spent. */
  balanceNotRead: number;
  /** Non-null when the occurrence needs more than its bounds allow: a run would hold it. */
  held: HeldBudget | null;
  /** What it may grant in total: the caps, raised by an approval given at this version. */
  bounds: BudgetCaps;
  /** The occurrence's bookkeeping status (open, done, held), null when never opened. */
  status: string | null;
}

/**
 * Counts the occurrence with the pushed-down condition, page by page (memory bounded by the
 * page size). `sampleSize` eligible user ids are kept.
 */
export async function forecastOccurrence(
  strategy: Strategy,
  condition: ConditionAst,
  occurrence: string,
  deps: ForecastDeps,
  sampleSize = 0,
): Promise<OccurrenceForecast> {
  const caps = budgetCaps(strategy, deps.defaultMaxUsersPerOccurrence);
  const [granted, state] = await Promise.all([
    deps.store.occurrenceEntryTotals(strategy.id, occurrence),
    deps.store.occurrenceState(strategy.id, occurrence),
  ]);
  const forecast: OccurrenceForecast = {
    alreadyGranted: granted.users,
    capped: 0,
    eligible: 0,
    eligibleAmountCents: 0,
    eligibleRaiseCents: 0,
    granted,
    sample: [],
    sampleChanges: [],
    balanceUnread: 0,
    balanceNotRead: 0,
    held: null,
    bounds: occurrenceBounds(caps, strategy, state),
    status: state?.status ?? null,
  };
  // Users whose grant would change their balance, or might (balance unknown).
  let sending = 0;
  for await (const page of matchingUsers(strategy, condition, occurrence, deps)) {
    forecast.capped += page.capped.length;
    forecast.eligible += page.matched.length;
    sending += countChanges(forecast, await grantChanges(strategy, page.matched, deps), sampleSize);
    for (const id of page.matched) {
      if (forecast.sample.length >= sampleSize) break;
      forecast.sample.push(id);
    }
    throwIfStopped(deps.signal);
  }
  // An occurrence that would send nothing (every top-up already at its target) is not held:
  // there is nothing for a cap to stop, and a hold would only ask an operator about nothing.
  if (hasCaps(caps) && forecast.eligible > 0 && sending > 0) {
    const needed = neededTotal(forecast);
    forecast.held = budgetHold(caps, forecast.bounds, needed.users, needed.amountCents);
  }
  return forecast;
}

/** Adds one page's changes to the forecast; answers how many would (or might) send something. */
function countChanges(
  forecast: OccurrenceForecast,
  changes: Awaited<ReturnType<typeof grantChanges>>,
  sampleSize: number,
): number {
  let sending = 0;
  for (const change of changes) {
    if (change === NOT_READ) {
      forecast.balanceNotRead++;
      sending++;
      continue;
    }
    if (change === null) {
      forecast.balanceUnread++;
      sending++;
      continue;
    }
    const cents = Math.round(change.change * 100);
    if (cents !== 0) sending++;
    forecast.eligibleAmountCents += cents;
    // A reset that lowers a balance grants nothing: it must not make room for another's raise.
    forecast.eligibleRaiseCents += Math.max(0, cents);
    if (change.balance !== null && forecast.sampleChanges.length < sampleSize)
      forecast.sampleChanges.push(change);
  }
  return sending;
}

/** What the occurrence needs in total: its ledger rows and its eligible users (raises). */
export function neededTotal(forecast: OccurrenceForecast): { users: number; amountCents: number } {
  return {
    users: forecast.granted.users + forecast.eligible,
    amountCents: forecast.granted.amountCents + forecast.eligibleRaiseCents,
  };
}

/** Whether a budget check is needed at all before granting: the strategy has a cap. */
export function budgetApplies(strategy: Strategy, deps: ForecastDeps): boolean {
  return hasCaps(budgetCaps(strategy, deps.defaultMaxUsersPerOccurrence));
}
