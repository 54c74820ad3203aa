// Row ↔ domain conversion. Decimal amounts become numbers with at most two decimals
// (validated on write), which JavaScript numbers represent exactly enough to print.
import { GRANT_MODES, type GrantMode } from '../core/grant-mode.ts';
import {
  LEDGER_STATUSES,
  type LedgerEntry,
  type LedgerStatus,
} from '../core/model/ledger-entry.ts';
import type { Strategy, StrategyFields } from '../core/model/strategy.ts';
import {
  strategyFieldEntries,
  type StrategyFieldKey,
  type StrategyFieldTable,
} from '../core/model/strategy-fields.ts';

/** A quota_strategy row as Prisma reads it: Decimal columns and enums as stored, by the field table. */
export type StrategyRow = {
  [K in StrategyFieldKey]: StrategyFieldTable[K]['kind'] extends 'amount'
    ? unknown
    : StrategyFieldTable[K]['kind'] extends 'enum'
      ? string
      : Strategy[K];
} & Pick<Strategy, 'id' | 'version' | 'createdAt' | 'updatedAt'>;

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

/** A stored enum value; anything unexpected (written by hand) is refused rather than guessed. */
function toEnumValue(field: string, values: readonly string[], value: unknown): string {
  if (typeof value !== 'string' || !values.includes(value))
    throw new Error(`unknown ${field} "${String(value)}" in the database`);
  return value;
}

export function toStrategy(row: StrategyRow): Strategy {
  const strategy: Record<string, unknown> = {
    id: row.id,
    version: row.version,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
  for (const [key, spec] of strategyFieldEntries()) {
    const value: unknown = row[key];
    if (spec.kind === 'amount') strategy[key] = decimalOrNull(value);
    else if (spec.kind === 'enum') strategy[key] = toEnumValue(spec.wire, spec.values, value);
    else strategy[key] = value;
  }
  return strategy as unknown as Strategy;
}

/** Domain fields → the columns Prisma writes: amounts as Decimal strings (exact, two decimals). */
export function toStrategyColumns(fields: StrategyFields): Record<StrategyFieldKey, unknown> {
  const columns = { ...fields } as Record<StrategyFieldKey, unknown>;
  for (const [key, spec] of strategyFieldEntries())
    if (spec.kind === 'amount' && fields[key] !== null) columns[key] = String(fields[key]);
  return columns;
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
