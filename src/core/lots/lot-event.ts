// One user's lot event, as data: the consumption since the last event attributed to the active
// lots in spending order, the remainders capped to the balance, then (for an expiry) each due
// lot's plan. Pure: the lot pass (expire-lots.ts) reads, calls this, and writes the result in
// one transaction.
import type { NewLot } from '../ports/lot-store.ts';
import { planExpiry } from './expiry-plan.ts';
import { remainingCents, type Lot } from './lot.ts';
import { attributeConsumption, capToBalance, type SpendableLot } from './spending-order.ts';

const cents = (value: number) => Math.round(value * 100);

/** What the gateway says about the user now; `used` is null on a single-counter gateway. */
export interface UserReading {
  userId: string;
  balance: number;
  used: number | null;
}

export interface UserLotEvent {
  /** Lots whose attributed consumption changes (hundredths). */
  consumed: Map<number, number>;
  usage: { userId: string; usedSeen: number; expected: number | null } | null;
  expiring: { lot: Lot; takeBackCents: number; carryCents: number }[];
  rollovers: NewLot[];
}

const spendable = (lot: Lot, consumedCents?: number): SpendableLot => ({
  id: lot.id,
  priority: lot.priority,
  expiresAt: lot.expiresAt,
  grantedAt: lot.grantedAt,
  amountCents: cents(lot.amount),
  consumedCents: consumedCents ?? cents(lot.consumed),
});

/**
 * The event for one user: `active` are all the user's active lots (new ones included, with
 * their own ids), `due` those of them that expire now, `usedSeen` the used counter at the last
 * event (undefined: none yet; what was spent before the user's first lot is not a lot's).
 * `fresh` lots are being recorded now: nothing spent before this event is theirs, but they are
 * in the balance, so the cap counts them.
 */
export function userLotEvent(
  reading: UserReading,
  active: readonly Lot[],
  due: readonly Lot[],
  usedSeen: number | undefined,
  fresh: readonly Lot[] = [],
): UserLotEvent {
  const consumed = new Map<number, number>();
  const current = (lots: readonly Lot[]) => lots.map((lot) => spendable(lot, consumed.get(lot.id)));
  let usage: UserLotEvent['usage'] = null;
  if (reading.used !== null) {
    const spent = usedSeen === undefined ? 0 : cents(reading.used) - cents(usedSeen);
    for (const [id, c] of attributeConsumption(current(active), spent).consumed)
      consumed.set(id, c);
    if (usedSeen === undefined || spent > 0)
      usage = { userId: reading.userId, usedSeen: reading.used, expected: usedSeen ?? null };
  }
  for (const [id, c] of capToBalance(current([...active, ...fresh]), cents(reading.balance)))
    consumed.set(id, c);

  const expiring: UserLotEvent['expiring'] = [];
  const rollovers: NewLot[] = [];
  let balanceLeft = cents(reading.balance);
  const byExpiry = [...due].sort(
    (a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || a.id - b.id,
  );
  for (const lot of byExpiry) {
    const left = remainingCents({
      amount: lot.amount,
      consumed: (consumed.get(lot.id) ?? cents(lot.consumed)) / 100,
    });
    const plan = planExpiry(
      {
        remainingCents: left,
        rolloverMaxCents: lot.rolloverMax === null ? null : cents(lot.rolloverMax),
        rollsOver: lot.source === 'grant' && lot.carryExpiresAt !== null,
      },
      balanceLeft,
    );
    balanceLeft -= plan.takeBackCents;
    expiring.push({ lot, ...plan });
    if (plan.carryCents > 0) rollovers.push(rolloverLot(lot, plan.carryCents));
  }
  return { consumed, usage, expiring, rollovers };
}

/** The lot a periodic lot's carried remainder becomes; it expires with the next period's lot. */
function rolloverLot(lot: Lot, carryCents: number): NewLot {
  return {
    strategyId: lot.strategyId,
    occurrence: lot.occurrence,
    userId: lot.userId,
    source: 'rollover',
    grantId: null,
    amount: carryCents / 100,
    consumed: 0,
    grantedAt: lot.expiresAt,
    expiresAt: lot.carryExpiresAt ?? lot.expiresAt,
    priority: lot.priority,
    rolloverMax: null,
    carryExpiresAt: null,
  };
}
