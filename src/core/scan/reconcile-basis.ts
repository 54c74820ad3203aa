// What reconciliation by the user's total must subtract: the daemon's own other grants to the
// same user. A total read before a delta and read again once its settle time has passed moves by
// this grant (if it landed) *and* by every other grant the daemon made the user meanwhile — the
// next occurrence of the same strategy, another strategy of the same amount. Without accounting
// for them, a lost grant followed by another of the same amount reads as "applied": a silent
// loss (the nemesis, test/nemesis, found one).
//
// So the ledger's view of the user's other grants is taken around the read of total_before (the
// basis) and again at the settle read. Only applied grants move the total for certain; a grant
// in flight or in doubt might or might not have, so its presence at either moment makes the
// comparison meaningless, and the row is left for a person (`unknown`) rather than guessed.

/** The user's other ledger rows, as far as they can have moved the user's total. */
export interface UserLedgerState {
  /** Applied rows that add to the total (add, top_up). */
  applied: number;
  /** What those applied rows added, in hundredths. */
  appliedCents: number;
  /** Applied reset rows: each sets the total outright, so any new one breaks the arithmetic. */
  resets: number;
  /** Rows `sending` (in flight or in doubt) or `unknown`: they may or may not have landed. */
  inDoubt: number;
}

/**
 * Users who appear more than once in one batch of grants: each of their grants is the other's
 * grant in flight, so none of them can be reconciled by the user's total.
 */
export function usersWithSeveralGrants(grants: readonly { userId: string }[]): Set<string> {
  const seen = new Set<string>();
  const several = new Set<string>();
  for (const { userId } of grants) (seen.has(userId) ? several : seen).add(userId);
  return several;
}

export const NO_OTHER_GRANTS: UserLedgerState = {
  applied: 0,
  appliedCents: 0,
  resets: 0,
  inDoubt: 0,
};

const same = (a: UserLedgerState, b: UserLedgerState) =>
  a.applied === b.applied &&
  a.appliedCents === b.appliedCents &&
  a.resets === b.resets &&
  a.inDoubt === b.inDoubt;

/**
 * The basis stored with a row: the user's other grants read before and after the total was
 * read. Null when they moved in between or some were in doubt: the total read then may include
 * a grant the ledger cannot place on either side of it.
 */
export function reconcileBasis(
  before: UserLedgerState = NO_OTHER_GRANTS,
  after: UserLedgerState = NO_OTHER_GRANTS,
): string | null {
  if (!same(before, after) || before.inDoubt > 0) return null;
  return JSON.stringify(before);
}

function parseBasis(text: string | null | undefined): UserLedgerState | null {
  if (text === null || text === undefined) return null;
  try {
    const value = JSON.parse(text) as Partial<UserLedgerState>;
    const numbers = [value.applied, value.appliedCents, value.resets, value.inDoubt];
    if (numbers.some((n) => typeof n !== 'number' || !Number.isSafeInteger(n))) return null;
    return value as UserLedgerState;
  } catch {
    return null;
  }
}

/**
 * What the daemon's other grants added to the user's total since the basis, in hundredths; null
 * when that cannot be known (no basis, grants in doubt now, applied rows gone — retention — or
 * a reset applied meanwhile).
 */
export function otherGrantsSince(
  basisText: string | null | undefined,
  now: UserLedgerState = NO_OTHER_GRANTS,
): number | null {
  const basis = parseBasis(basisText);
  if (basis === null) return null;
  if (now.inDoubt > 0 || now.applied < basis.applied || now.resets !== basis.resets) return null;
  return now.appliedCents - basis.appliedCents;
}
