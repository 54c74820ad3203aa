// The one home of strategy validation: the rules that need domain knowledge (the condition
// language, cron, time zones, cross-field constraints). HTTP-level shape checks (types,
// lengths) live in the API schemas. Only create-strategy and update-strategy call this, so
// every write path — API, CLI, seed — passes through the same rules.
import { checkInZone, format, parse, type ConditionError } from '../../condition/index.ts';
import { AppError, type ErrorDetail } from '../errors.ts';
import { parseExpiryRule } from '../lots/expiry-rule.ts';
import type { StrategyFields } from '../model/strategy.ts';
import { STRATEGY_FIELDS } from '../model/strategy-fields.ts';
import { cronProblemAt } from '../cron-problem.ts';
import { isStorableInstant, isWholeCents, STORABLE_INSTANTS } from '../storable-values.ts';
import { zoneProblem } from '../zone-rules.ts';

/** A condition error as an error detail: every field the parser gave, `suggestion` and `expected` included. */
export function conditionErrorDetail(error: ConditionError): ErrorDetail {
  return { field: 'condition', ...error };
}

/**
 * The schedule: a periodic strategy has a usable cron expression in a known zone, named as
 * nobody misreads it. `keepZone`: a zone that passes as it is (the stored one, the configured
 * default), so strategies saved with a legacy name keep working.
 */
function scheduleProblems(fields: StrategyFields, keepZone?: string): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  if (fields.type === 'periodic') {
    if (!fields.periodicExpr) {
      details.push({ field: 'periodic_expr', message: 'required when type is "periodic"' });
    }
  } else if (fields.periodicExpr) {
    details.push({ field: 'periodic_expr', message: 'only allowed when type is "periodic"' });
  }
  const zone = zoneProblem(fields.timezone, keepZone);
  if (zone) {
    details.push({ field: 'timezone', ...zone });
  } else if (fields.periodicExpr) {
    const problem = cronProblemAt(fields.periodicExpr, fields.timezone);
    if (problem) details.push({ field: 'periodic_expr', ...problem });
  }
  return details;
}

/**
 * The credit lot settings (docs/expiry.md): the `expires_after` grammar, and which of them a
 * strategy may have by its type and mode. Their own limits are the field table's; the priority's
 * are checked here too because the CLI and seed reach this without the API schema.
 */
function lotProblems(fields: StrategyFields): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  if (fields.expiresAfter !== null) {
    const parsed = parseExpiryRule(fields.expiresAfter);
    if (!parsed.ok) details.push({ field: 'expires_after', message: parsed.message });
    if (fields.expiresAt !== null)
      details.push({ field: 'expires_at', message: 'give expires_after or expires_at, not both' });
  }
  if (fields.expiresAt !== null && fields.type !== 'single')
    details.push({
      field: 'expires_at',
      message: 'only for single strategies (periodic ones use expires_after)',
    });
  if (fields.rolloverMax !== null) {
    if (fields.type !== 'periodic')
      details.push({ field: 'rollover_max', message: 'only for periodic strategies' });
    if (fields.rolloverMax < STRATEGY_FIELDS.rolloverMax.min || !isWholeCents(fields.rolloverMax))
      details.push({
        field: 'rollover_max',
        message: `must be at least ${STRATEGY_FIELDS.rolloverMax.min}, with at most two decimals`,
      });
  }
  if (
    fields.mode !== 'add' &&
    (fields.expiresAfter !== null || fields.expiresAt !== null || fields.rolloverMax !== null)
  )
    details.push({
      field: 'mode',
      message:
        'lots (expires_after, expires_at, rollover_max) need mode "add": a top-up or reset grants a balance, not an amount',
    });
  const { min, max } = STRATEGY_FIELDS.lotPriority;
  if (
    !Number.isSafeInteger(fields.lotPriority) ||
    fields.lotPriority < min ||
    fields.lotPriority > max
  )
    details.push({ field: 'priority', message: `a whole number from ${min} to ${max}` });
  return details;
}

/** The window: instants every database stores, start before end. */
function windowProblems(fields: StrategyFields): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  for (const [field, at] of [
    ['start_at', fields.startAt],
    ['end_at', fields.endAt],
    ['expires_at', fields.expiresAt],
  ] as const) {
    if (at && !isStorableInstant(at.getTime()))
      details.push({
        field,
        code: 'date_out_of_range',
        message: 'must lie between 1000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z',
      });
  }
  if (fields.startAt && fields.endAt && fields.startAt >= fields.endAt) {
    details.push({ field: 'end_at', message: 'must be after start_at' });
  }
  return details;
}

/**
 * Cross-field and domain checks. Throws one AppError listing every problem found; otherwise
 * returns the fields as they are to be stored, the condition in its canonical form
 * (docs/conditions.md, "Canonical form").
 */
export function assertValidStrategy(fields: StrategyFields, keepZone?: string): StrategyFields {
  const details: ErrorDetail[] = [];
  if (!isWholeCents(fields.amount)) {
    details.push({
      field: 'amount',
      code: 'amount_precision',
      message: 'at most two decimals: a whole number of cents',
    });
  }
  details.push(...scheduleProblems(fields, keepZone));
  if (fields.type === 'single' && fields.maxExecPerUser !== 0) {
    details.push({
      field: 'max_exec_per_user',
      message: 'only meaningful for periodic strategies; use 0',
    });
  }
  if (fields.amount < 0 || (fields.mode === 'add' && fields.amount <= 0)) {
    details.push({
      field: 'amount',
      // The code zod gives a number below its minimum, so clients handle both the same way.
      code: 'too_small',
      message:
        fields.mode === 'add'
          ? 'must be greater than 0 when mode is "add" (0 is allowed for top_up and reset)'
          : 'must not be negative',
    });
  }
  details.push(...windowProblems(fields), ...lotProblems(fields));
  if (details.length > 0)
    throw new AppError('validation_failed', 'The strategy is not valid', details);

  const parsed = parse(fields.condition);
  // Timestamps are checked in the strategy's zone: the same literal is another instant elsewhere.
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
