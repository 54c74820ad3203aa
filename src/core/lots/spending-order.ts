// Which lot consumption comes out of. The gateway only says how much a user spent in total; the
// daemon assigns what was spent since the user's last lot event to the user's active lots in
// spending order — lower priority first, then the soonest expiry, then the oldest — and what is
// left over to quota the daemon did not grant, which is spent last.

export interface SpendableLot {
  id: number;
  priority: number;
  expiresAt: Date;
  grantedAt: Date;
  /** In hundredths. */
  amountCents: number;
  consumedCents: number;
}

export function spendingOrder(a: SpendableLot, b: SpendableLot): number {
  return (
    a.priority - b.priority ||
    a.expiresAt.getTime() - b.expiresAt.getTime() ||
    a.grantedAt.getTime() - b.grantedAt.getTime() ||
    a.id - b.id
  );
}

export interface Attribution {
  /** Lots whose consumption grew: id → new consumed (hundredths). */
  consumed: Map<number, number>;
  /** What no lot could take: spent from quota the daemon did not grant. */
  unmanagedCents: number;
}

/** Assigns `spentCents` to `lots` in spending order, each up to its remainder. */
export function attributeConsumption(
  lots: readonly SpendableLot[],
  spentCents: number,
): Attribution {
  const consumed = new Map<number, number>();
  let left = Math.max(0, spentCents);
  for (const lot of [...lots].sort(spendingOrder)) {
    if (left === 0) break;
    const take = Math.min(left, Math.max(0, lot.amountCents - lot.consumedCents));
    if (take === 0) continue;
    consumed.set(lot.id, lot.consumedCents + take);
    left -= take;
  }
  return { consumed, unmanagedCents: left };
}

/**
 * Keeps the lots' remainders within the balance: quota taken away by something other than the
 * daemon's expiries (another admin client, or spending a single-counter gateway cannot show) is
 * charged to the lots in spending order, so no expiry can take back more than the user has.
 */
export function capToBalance(
  lots: readonly SpendableLot[],
  balanceCents: number,
): Map<number, number> {
  const remaining = lots.reduce((sum, l) => sum + Math.max(0, l.amountCents - l.consumedCents), 0);
  const excess = remaining - Math.max(0, balanceCents);
  return excess > 0 ? attributeConsumption(lots, excess).consumed : new Map<number, number>();
}
