// Checks that need the time zone a condition will be evaluated in (the strategy's), so they
// cannot be made by `parse`: a wall-time literal is a different instant in every zone.
// `register-before("1000-01-01")` is 1000-01-01T00:00Z in UTC but year 999 in Asia/Shanghai,
// which MySQL cannot store or compare with; such a condition would validate and then fail.
import type { ConditionAst, TimestampArg } from './ast.ts';
import { conditionError, type ConditionError } from './errors.ts';
import { resolveTimestamp } from './timestamp.ts';

export interface InstantRange {
  readonly minMs: number;
  readonly maxMs: number;
}

function timestamps(ast: ConditionAst): TimestampArg[] {
  const found: TimestampArg[] = [];
  const visit = (node: ConditionAst): void => {
    for (const arg of node.args) {
      if (arg.kind === 'call') visit(arg);
      else if (arg.kind === 'timestamp') found.push(arg);
    }
  };
  visit(ast);
  return found;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Errors for timestamp literals whose instant in `timeZone` falls outside `range`. */
export function checkInZone(
  ast: ConditionAst,
  timeZone: string,
  range: InstantRange,
): ConditionError[] {
  const errors: ConditionError[] = [];
  for (const arg of timestamps(ast)) {
    const instant = resolveTimestamp(arg.value, timeZone);
    if (instant === null) continue; // invalid literals were reported by parse
    const ms = instant.getTime();
    if (ms >= range.minMs && ms <= range.maxMs) continue;
    errors.push(
      conditionError(
        'timestamp_out_of_range',
        `"${arg.value}" in ${timeZone} is ${iso(ms)}, outside the instants every database stores (${iso(range.minMs)} to ${iso(range.maxMs)})`,
        arg.span,
      ),
    );
  }
  return errors;
}
