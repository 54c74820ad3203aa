// The arithmetic of budget caps: which caps a strategy has, how far an operator's approval
// raises them for one occurrence, and whether a total exceeds them. Amounts are in cents and
// count raises only (a reset that lowers a balance grants nothing): docs/strategies.md, "Budget
// caps".
import type { Strategy } from '../model/strategy.ts';
import type { ApprovalBounds, OccurrenceState } from '../ports/scan-store.ts';

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

/** The strategy's caps; the configured default applies to a strategy with no user cap. */
export function budgetCaps(strategy: Strategy, defaultMaxUsers?: number): BudgetCaps {
  return {
    maxUsers: strategy.maxUsersPerOccurrence ?? defaultMaxUsers ?? null,
    maxAmount: strategy.maxAmountPerOccurrence,
  };
}

export const hasCaps = (caps: BudgetCaps) => caps.maxUsers !== null || caps.maxAmount !== null;

/**
 * What an occurrence may grant in total: the caps, raised to what an approval allowed when it
 * was given at the strategy's current version. An approval at another version counts for
 * nothing (it approved another definition: other users, another amount), and it never adds a
 * cap the strategy does not have.
 */
export function occurrenceBounds(
  caps: BudgetCaps,
  strategy: Pick<Strategy, 'version'>,
  state: Pick<OccurrenceState, 'approval'> | null,
): BudgetCaps {
  const approval: ApprovalBounds | null = state?.approval ?? null;
  if (approval === null || approval.strategyVersion !== strategy.version) return caps;
  return {
    maxUsers: caps.maxUsers === null ? null : Math.max(caps.maxUsers, approval.users),
    maxAmount: caps.maxAmount === null ? null : Math.max(caps.maxAmount, approval.amount),
  };
}

/** The hold a total would cause under `bounds`, or null when it fits; it names the `caps`. */
export function budgetHold(
  caps: BudgetCaps,
  bounds: BudgetCaps,
  users: number,
  amountCents: number,
): HeldBudget | null {
  const overUsers = bounds.maxUsers !== null && users > bounds.maxUsers;
  const overAmount = bounds.maxAmount !== null && amountCents > Math.round(bounds.maxAmount * 100);
  if (!overUsers && !overAmount) return null;
  return { neededUsers: users, neededAmount: amountCents / 100, ...caps };
}
