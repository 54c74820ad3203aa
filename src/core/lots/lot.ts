// A lot: what one grant (or one rollover) gave one user, and how much of it is left. The gateway
// keeps one counter per user; lots are the daemon's own account of which part of that counter
// came from which grant, so an expiry takes back exactly the part of one grant nobody spent.
// Amounts here are hundredths (integers), as the gateway's amounts have two decimals.
import type { LedgerStatus } from '../model/ledger-entry.ts';

/** `grant`: a strategy's grant; `rollover`: what a periodic lot carried into the next period. */
export type LotSource = 'grant' | 'rollover';

export interface Lot {
  id: number;
  userId: string;
  strategyId: number;
  occurrence: string;
  source: LotSource;
  amount: number;
  /** Consumption attributed to this lot so far (spending-order.ts). */
  consumed: number;
  grantedAt: Date;
  expiresAt: Date;
  /** Lower is spent first. */
  priority: number;
  /** Periodic strategies with `rollover_max`: at most this much of the remainder is carried. */
  rolloverMax: number | null;
  /** When the carried remainder expires in turn (the next occurrence's expiry). */
  carryExpiresAt: Date | null;
  /**
   * `active` until its expiry is decided; `expiring` once decided (amount fixed), until the
   * expiry's ledger row is claimed; `expired` from then on (the row's status says the rest).
   */
  state: 'active' | 'expiring' | 'expired';
  /**
   * What the expiry takes back: decided with the lot event (the most it may take); once its
   * row applied, what it really took, capped to the balance when it was sent (as listed).
   */
  expiredAmount: number | null;
  /** What was carried into a rollover lot; null while active or without rollover. */
  carried: number | null;
  /** The status of its expiry's ledger row (null while none exists). */
  expiryStatus: LedgerStatus | null;
}

/** The remainder of a lot, in hundredths. */
export const remainingCents = (lot: Pick<Lot, 'amount' | 'consumed'>): number =>
  Math.max(0, Math.round(lot.amount * 100) - Math.round(lot.consumed * 100));

/**
 * The occurrence an expiry's ledger row is keyed by: one row per lot, under the expiry ledger
 * (EXPIRY_STRATEGY_ID), so the (strategy, occurrence, user) key and the idempotency key derived
 * from it name exactly one lot.
 */
export function expiryOccurrence(lot: Pick<Lot, 'strategyId' | 'occurrence' | 'source'>): string {
  return `${lot.strategyId}:${lot.occurrence}${lot.source === 'rollover' ? ':rollover' : ''}`;
}

/**
 * Expiries are ledger rows of their own kind under this reserved strategy id (strategy ids start
 * at 1): one lease fences every expiry, whichever strategy the lot came from, so a deleted or
 * disabled strategy's lots still expire.
 */
export const EXPIRY_STRATEGY_ID = 0;
