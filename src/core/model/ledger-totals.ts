// Sums over the ledger, as the statistics read them. Amounts are integer cents (bigint), so
// totals are exact whatever their size; the API turns them into decimals when it prints them.
import { LEDGER_STATUSES, type LedgerStatus } from './ledger-entry.ts';

/** Grants and their amount in cents. */
export interface GrantTotals {
  grants: number;
  cents: bigint;
}

export type TotalsByStatus = Record<LedgerStatus, GrantTotals>;

export interface WindowedTotals {
  /** One entry per requested window start, in the order given: rows created at or after it. */
  windows: TotalsByStatus[];
  allTime: TotalsByStatus;
}

export interface OccurrenceTotals {
  occurrence: string;
  byStatus: TotalsByStatus;
}

export const emptyTotals = (): TotalsByStatus => ({
  pending: { grants: 0, cents: 0n },
  sending: { grants: 0, cents: 0n },
  applied: { grants: 0, cents: 0n },
  failed: { grants: 0, cents: 0n },
  unknown: { grants: 0, cents: 0n },
});

export const isLedgerStatus = (status: string): status is LedgerStatus =>
  (LEDGER_STATUSES as readonly string[]).includes(status);

/** Cents → a number with at most two decimals (exact to print below 2^53 cents). */
export function centsToAmount(cents: bigint): number {
  return Number(cents) / 100;
}
