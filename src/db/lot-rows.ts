// Rows of credit_lot as the lot store reads them, mapped to the core's Lot and OccurrenceTerms.
import type { Lot } from '../core/lots/lot.ts';
import type { OccurrenceTerms } from '../core/lots/lot-terms.ts';
import { toLedgerStatus, decimalToNumber } from './row-mappers.ts';

export interface LotRow {
  id: number;
  strategyId: number;
  occurrence: string;
  userId: string;
  source: string;
  amount: unknown;
  consumed: unknown;
  grantedAt: Date;
  expiresAt: Date;
  priority: number;
  rolloverMax: unknown;
  carryExpiresAt: Date | null;
  state: string;
  expiredAmount: unknown;
  carried: unknown;
}

export const nullableNumber = (value: unknown) => (value === null ? null : decimalToNumber(value));

/** A lot's expiry row, as far as the lot listing shows it. */
export interface ExpiryRow {
  status: string;
  deltaSent: number | null;
}

export function toLot(row: LotRow, expiryStatus: string | null): Lot {
  return {
    id: row.id,
    strategyId: row.strategyId,
    occurrence: row.occurrence,
    userId: row.userId,
    source: row.source === 'rollover' ? 'rollover' : 'grant',
    amount: decimalToNumber(row.amount),
    consumed: decimalToNumber(row.consumed),
    grantedAt: row.grantedAt,
    expiresAt: row.expiresAt,
    priority: row.priority,
    rolloverMax: nullableNumber(row.rolloverMax),
    carryExpiresAt: row.carryExpiresAt,
    state: row.state === 'active' || row.state === 'expiring' ? row.state : 'expired',
    expiredAmount: nullableNumber(row.expiredAmount),
    carried: nullableNumber(row.carried),
    expiryStatus: expiryStatus === null ? null : toLedgerStatus(expiryStatus),
  };
}

export function toTerms(row: {
  expiresAt: Date | null;
  expiresAfter: string | null;
  timezone: string;
  priority: number;
  rolloverMax: unknown;
  carryExpiresAt: Date | null;
}): OccurrenceTerms {
  return {
    expiresAt: row.expiresAt,
    expiresAfter: row.expiresAfter,
    timezone: row.timezone,
    priority: row.priority,
    rolloverMax: nullableNumber(row.rolloverMax),
    carryExpiresAt: row.carryExpiresAt,
  };
}
