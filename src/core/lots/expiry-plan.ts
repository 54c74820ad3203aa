// What one lot's expiry does: with rollover, at most `rollover_max` of its remainder is carried
// into a lot of the next period; the rest is taken back by a negative delta, never more than
// the balance left to the user (after the other expiries of the same pass).

export interface ExpiryPlan {
  /** The negative delta's size, in hundredths (0: a ledger row and no call). */
  takeBackCents: number;
  /** Carried into a rollover lot, in hundredths. */
  carryCents: number;
}

export function planExpiry(
  lot: { remainingCents: number; rolloverMaxCents: number | null; rollsOver: boolean },
  balanceLeftCents: number,
): ExpiryPlan {
  const remaining = Math.max(0, lot.remainingCents);
  const carryCents =
    lot.rollsOver && lot.rolloverMaxCents !== null ? Math.min(remaining, lot.rolloverMaxCents) : 0;
  const takeBackCents = Math.max(0, Math.min(remaining - carryCents, balanceLeftCents));
  return { takeBackCents, carryCents };
}
