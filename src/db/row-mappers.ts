// Row ↔ domain conversion. Decimal amounts become numbers with at most two decimals
// (validated on write), which JavaScript numbers represent exactly enough to print.
import type { LedgerEntry, LedgerStatus } from '../core/model/ledger-entry.ts';
import type { MissedRunsPolicy, Strategy, StrategyType } from '../core/model/strategy.ts';

export interface StrategyRow {
  id: number;
  name: string;
  title: string;
  type: string;
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
  createdAt: Date;
  updatedAt: Date;
}

export function decimalToNumber(value: unknown): number {
  return Number(String(value));
}

export function toStrategy(row: StrategyRow): Strategy {
  return {
    ...row,
    type: row.type as StrategyType,
    missedRuns: row.missedRuns as MissedRunsPolicy,
    amount: decimalToNumber(row.amount),
    maxAmountPerOccurrence:
      row.maxAmountPerOccurrence === null ? null : decimalToNumber(row.maxAmountPerOccurrence),
  };
}

type LedgerRow = Omit<LedgerEntry, 'amount' | 'status'> & { amount: unknown; status: string };

export function toLedgerEntry(row: LedgerRow): LedgerEntry {
  return {
    id: row.id,
    strategyId: row.strategyId,
    userId: row.userId,
    occurrence: row.occurrence,
    amount: decimalToNumber(row.amount),
    status: row.status as LedgerStatus,
    attempts: row.attempts,
    lastError: row.lastError,
    catchUp: row.catchUp,
    strategyVersion: row.strategyVersion,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
