// Row ↔ domain conversion. Decimal amounts become numbers with at most two decimals
// (validated on write), which JavaScript numbers represent exactly enough to print.
import { GRANT_MODES, type GrantMode } from '../core/grant-mode.ts';
import {
  LEDGER_STATUSES,
  type LedgerEntry,
  type LedgerStatus,
} from '../core/model/ledger-entry.ts';
import type { MissedRunsPolicy, Strategy, StrategyType } from '../core/model/strategy.ts';

export interface StrategyRow {
  id: number;
  name: string;
  title: string;
  type: string;
  mode: string;
  amount: unknown;
  model: string | null;
  periodicExpr: string | null;
  timezone: string;
  condition: string;
  enabled: boolean;
  maxExecPerUser: number;
  missedRuns: string;
  maxCatchUp: number;
  startAt: Date | null;
  endAt: Date | null;
  version: number;
  maxUsersPerOccurrence: number | null;
  maxAmountPerOccurrence: unknown;
  expiresAfter: string | null;
  expiresAt: Date | null;
  rolloverMax: unknown;
  lotPriority: number;
  createdAt: Date;
  updatedAt: Date;
}

export function decimalToNumber(value: unknown): number {
  return Number(String(value));
}

/** A stored mode; anything unexpected (written by hand) is refused rather than read as add. */
export function toGrantMode(value: string): GrantMode {
  if (!(GRANT_MODES as readonly string[]).includes(value))
    throw new Error(`unknown grant mode "${value}" in the database`);
  return value as GrantMode;
}

/** A stored ledger status; anything unexpected is refused, like a mode. */
export function toLedgerStatus(value: string): LedgerStatus {
  if (!(LEDGER_STATUSES as readonly string[]).includes(value))
    throw new Error(`unknown ledger status "${value}" in the database`);
  return value as LedgerStatus;
}

const decimalOrNull = (value: unknown) => (value === null ? null : decimalToNumber(value));

export function toStrategy(row: StrategyRow): Strategy {
  return {
    ...row,
    type: row.type as StrategyType,
    mode: toGrantMode(row.mode),
    missedRuns: row.missedRuns as MissedRunsPolicy,
    amount: decimalToNumber(row.amount),
    maxAmountPerOccurrence:
      row.maxAmountPerOccurrence === null ? null : decimalToNumber(row.maxAmountPerOccurrence),
    rolloverMax: decimalOrNull(row.rolloverMax),
  };
}

type LedgerRow = Omit<
  LedgerEntry,
  'amount' | 'status' | 'mode' | 'balanceBefore' | 'deltaSent' | 'target'
> & {
  amount: unknown;
  status: string;
  mode: string;
  balanceBefore: unknown;
  deltaSent: unknown;
  target: unknown;
};

export function toLedgerEntry(row: LedgerRow): LedgerEntry {
  return {
    id: row.id,
    strategyId: row.strategyId,
    userId: row.userId,
    occurrence: row.occurrence,
    amount: decimalToNumber(row.amount),
    status: toLedgerStatus(row.status),
    attempts: row.attempts,
    lastError: row.lastError,
    catchUp: row.catchUp,
    mode: toGrantMode(row.mode),
    balanceBefore: decimalOrNull(row.balanceBefore),
    deltaSent: decimalOrNull(row.deltaSent),
    target: decimalOrNull(row.target),
    strategyVersion: row.strategyVersion,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
