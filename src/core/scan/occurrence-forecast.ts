// What an occurrence would do if it ran now, counted without claiming or sending anything: the
// users with a grant already, those the condition selects and max_exec_per_user leaves in, the
// amount, and whether a budget cap holds the occurrence. Previews, the budget check before a
// run, explain and the strategy's statistics all count here, so they cannot disagree.
import type { ConditionAst } from '../../condition/index.ts';
import type { Strategy } from '../model/strategy.ts';
import { grantChanges, type AmountDeps, type UserChange } from './grant-amount.ts';
import { matchingUsers, type MatchingDeps } from './matching-users.ts';

export type ForecastDeps = MatchingDeps & AmountDeps & { defaultMaxUsersPerOccurrence?: number };

export interface BudgetCaps {
  maxUsers: number | null;
  maxAmount: number | null;
}

/** Why an occurrence is held: what it needs in total (already granted included), and the caps. */
export interface HeldBudget {
  neededUsers: number;
  neededAmount: number;
  maxUsers: number | null;
  maxAmount: number | null;
}

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
  /** Non-null when a budget cap would hold the occurrence (and no operator approved it). */
  held: HeldBudget | null;
  /** The caps the occurrence is counted against (none once an operator approved it). */
  caps: BudgetCaps;
  approved: boolean;
  /** The occurrence's bookkeeping status (open, done, held), null when never opened. */
  status: string | null;
}

/** The strategy's caps; the configured default applies to a strategy with no user cap. */
export function budgetCaps(strategy: Strategy, defaultMaxUsers?: number): BudgetCaps {
  return {
    maxUsers: strategy.maxUsersPerOccurrence ?? defaultMaxUsers ?? null,
    maxAmount: strategy.maxAmountPerOccurrence,
  };
}

const hasCaps = (caps: BudgetCaps) => caps.maxUsers !== null || caps.maxAmount !== null;

/** The hold a total would cause under `caps`, or null when it fits. */
export function budgetHold(
  caps: BudgetCaps,
  users: number,
  amountCents: number,
): HeldBudget | null {
  const overUsers = caps.maxUsers !== null && users > caps.maxUsers;
  const overAmount = caps.maxAmount !== null && amountCents > Math.round(caps.maxAmount * 100);
  if (!overUsers && !overAmount) return null;
  return { neededUsers: users, neededAmount: amountCents / 100, ...caps };
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
    held: null,
    caps:
      state?.approvedAt != null
        ? { maxUsers: null, maxAmount: null }
        : budgetCaps(strategy, deps.defaultMaxUsersPerOccurrence),
    approved: state?.approvedAt != null,
    status: state?.status ?? null,
  };
  for await (const page of matchingUsers(strategy, condition, occurrence, deps)) {
    forecast.capped += page.capped.length;
    forecast.eligible += page.matched.length;
    for (const change of await grantChanges(strategy, page.matched, deps)) {
      if (change === null) {
        forecast.balanceUnread++;
        continue;
      }
      const cents = Math.round(change.change * 100);
      forecast.eligibleAmountCents += cents;
      // A reset that lowers a balance grants nothing: it must not make room for another's raise.
      forecast.eligibleRaiseCents += Math.max(0, cents);
      if (change.balance !== null && forecast.sampleChanges.length < sampleSize)
        forecast.sampleChanges.push(change);
    }
    for (const id of page.matched) {
      if (forecast.sample.length >= sampleSize) break;
      forecast.sample.push(id);
    }
  }
  const { caps } = forecast;
  if (hasCaps(caps) && forecast.eligible > 0) {
    forecast.held = budgetHold(
      caps,
      granted.users + forecast.eligible,
      granted.amountCents + forecast.eligibleRaiseCents,
    );
  }
  return forecast;
}

/** Whether a budget check is needed at all before granting (caps set, not approved). */
export function budgetApplies(strategy: Strategy, deps: ForecastDeps): boolean {
  return hasCaps(budgetCaps(strategy, deps.defaultMaxUsersPerOccurrence));
}
