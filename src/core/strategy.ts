// The strategy as the core sees it, and the rules that decide whether one is acceptable.
// HTTP-level shape checks (types, lengths) live in the API schemas; the rules here need
// domain knowledge: the condition language, cron, time zones, and cross-field constraints.
import { checkInZone, format, parse, type ConditionError } from '../condition/index.ts';
import { AppError, type ErrorDetail } from './errors.ts';
import { cronProblem, isValidTimeZone, nondeterministicCronField } from './schedule.ts';
import { isStorableInstant, isWholeCents, STORABLE_INSTANTS } from './storable-values.ts';

export type StrategyType = 'single' | 'periodic';
/** What a periodic strategy does about occurrences missed while the daemon was down. */
export type MissedRunsPolicy = 'skip' | 'catch_up';

export interface Strategy {
  id: number;
  name: string;
  title: string;
  type: StrategyType;
  amount: number;
  model: string | null;
  periodicExpr: string | null;
  timezone: string;
  condition: string;
  enabled: boolean;
  maxExecPerUser: number;
  missedRuns: MissedRunsPolicy;
  maxCatchUp: number;
  startAt: Date | null;
  endAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Everything an operator sets; `id` and timestamps are the database's. */
export type StrategyFields = Omit<Strategy, 'id' | 'createdAt' | 'updatedAt'>;

/** A condition error as an error detail: every field the parser gave, `suggestion` and `expected` included. */
export function conditionErrorDetail(error: ConditionError): ErrorDetail {
  return { field: 'condition', ...error };
}

/**
 * Cross-field and domain checks. Throws one AppError listing every problem found; otherwise
 * returns the fields as they are to be stored, the condition in its canonical form
 * (docs/conditions.md, "Canonical form").
 */
export function assertValidStrategy(fields: StrategyFields): StrategyFields {
  const details: ErrorDetail[] = [];
  if (!isWholeCents(fields.amount)) {
    details.push({
      field: 'amount',
      code: 'amount_precision',
      message: 'at most two decimals: a whole number of cents',
    });
  }
  if (fields.type === 'periodic') {
    if (!fields.periodicExpr) {
      details.push({ field: 'periodic_expr', message: 'required when type is "periodic"' });
    }
  } else if (fields.periodicExpr) {
    details.push({ field: 'periodic_expr', message: 'only allowed when type is "periodic"' });
  }
  const zoneValid = isValidTimeZone(fields.timezone);
  if (!zoneValid) {
    details.push({ field: 'timezone', message: `unknown IANA time zone "${fields.timezone}"` });
  } else if (fields.periodicExpr) {
    const problem = cronProblem(fields.periodicExpr, fields.timezone);
    if (problem)
      details.push({
        field: 'periodic_expr',
        ...(nondeterministicCronField(fields.periodicExpr) !== null
          ? { code: 'cron_not_deterministic' }
          : {}),
        message: `invalid cron expression: ${problem}`,
      });
  }
  if (fields.type === 'single' && fields.maxExecPerUser !== 0) {
    details.push({
      field: 'max_exec_per_user',
      message: 'only meaningful for periodic strategies; use 0',
    });
  }
  for (const [field, at] of [
    ['start_at', fields.startAt],
    ['end_at', fields.endAt],
  ] as const) {
    if (at && !isStorableInstant(at.getTime()))
      details.push({
        field,
        code: 'date_out_of_range',
        message: 'must lie between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z',
      });
  }
  if (fields.startAt && fields.endAt && fields.startAt >= fields.endAt) {
    details.push({ field: 'end_at', message: 'must be after start_at' });
  }
  if (details.length > 0)
    throw new AppError('validation_failed', 'The strategy is not valid', details);

  const parsed = parse(fields.condition);
  const errors = parsed.ok
    ? checkInZone(parsed.ast, fields.timezone, STORABLE_INSTANTS)
    : parsed.errors;
  if (!parsed.ok || errors.length > 0) {
    throw new AppError(
      'invalid_condition',
      'The condition is not valid',
      errors.map(conditionErrorDetail),
    );
  }
  return { ...fields, condition: format(parsed.ast) };
}
