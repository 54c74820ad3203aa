// The one home of strategy validation: the rules that need domain knowledge (the condition
// language, cron, time zones, cross-field constraints). HTTP-level shape checks (types,
// lengths) live in the API schemas. Only create-strategy and update-strategy call this, so
// every write path — API, CLI, seed — passes through the same rules.
import { parse } from '../../condition/index.ts';
import { AppError, type ErrorDetail } from '../errors.ts';
import type { StrategyFields } from '../model/strategy.ts';
import { cronProblem } from '../schedule.ts';
import { isValidTimeZone } from '../time-zone.ts';

/** Cross-field and domain checks. Throws one AppError listing every problem found. */
export function assertValidStrategy(fields: StrategyFields): void {
  const details: ErrorDetail[] = [];
  if (fields.type === 'periodic') {
    if (!fields.periodicExpr) {
      details.push({ field: 'periodic_expr', message: 'required when type is "periodic"' });
    }
  } else if (fields.periodicExpr) {
    details.push({ field: 'periodic_expr', message: 'only allowed when type is "periodic"' });
  }
  if (!isValidTimeZone(fields.timezone)) {
    details.push({ field: 'timezone', message: `unknown IANA time zone "${fields.timezone}"` });
  } else if (fields.periodicExpr) {
    const problem = cronProblem(fields.periodicExpr, fields.timezone);
    if (problem)
      details.push({ field: 'periodic_expr', message: `invalid cron expression: ${problem}` });
  }
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
  if (fields.startAt && fields.endAt && fields.startAt >= fields.endAt) {
    details.push({ field: 'end_at', message: 'must be after start_at' });
  }
  if (details.length > 0)
    throw new AppError('validation_failed', 'The strategy is not valid', details);

  const parsed = parse(fields.condition);
  if (!parsed.ok) {
    throw new AppError(
      'invalid_condition',
      'The condition is not valid',
      parsed.errors.map((e) => ({
        field: 'condition',
        code: e.code,
        line: e.line,
        column: e.column,
        length: e.length,
        message: e.message,
      })),
    );
  }
}
