// A cron expression's problem with where it is: the daemon's schedule rules (schedule.ts:
// 5 or 6 fields, no `H`, what cron-parser accepts in the zone) plus the 1-based column and length
// of the field at fault, so an editor can underline it. A problem no single field causes
// (`0 8 31 2 *`: February has no 31st) points at the whole expression.
import { cronProblem, nondeterministicCronField } from './schedule.ts';

export type CronProblemCode = 'invalid_cron' | 'cron_not_deterministic';

export interface CronProblemAt {
  code: CronProblemCode;
  message: string;
  column: number;
  length: number;
}

interface Field {
  text: string;
  column: number;
}

function fieldsOf(expression: string): Field[] {
  return [...expression.matchAll(/\S+/g)].map((m) => ({ text: m[0], column: m.index + 1 }));
}

const span = (from: Field, to: Field) => ({
  column: from.column,
  length: to.column + to.text.length - from.column,
});

/** The field at fault: the first that is a problem with every other field a wildcard. */
function faultyField(fields: Field[], timeZone: string): Field | undefined {
  return fields.find((field, i) => {
    const alone = fields.map((other, j) => (j === i ? other.text : '*')).join(' ');
    return cronProblem(alone, timeZone) !== null;
  });
}

function where(expression: string, timeZone: string): { column: number; length: number } {
  const fields = fieldsOf(expression);
  if (fields.length === 0) return { column: 1, length: expression.length };
  if (fields.length > 6) return span(fields[6]!, fields.at(-1)!);
  if (fields.length < 5) return span(fields[0]!, fields.at(-1)!);
  const random = nondeterministicCronField(expression);
  const faulty =
    random === null ? faultyField(fields, timeZone) : fields.find((f) => f.text === random);
  return faulty ? span(faulty, faulty) : span(fields[0]!, fields.at(-1)!);
}

/** Why `expression` is not a schedule in `timeZone` (a zone Intl knows), and where; or undefined. */
export function cronProblemAt(expression: string, timeZone: string): CronProblemAt | undefined {
  const problem = cronProblem(expression, timeZone);
  if (problem === null) return undefined;
  const counted = fieldsOf(expression).length;
  const random = counted === 5 || counted === 6 ? nondeterministicCronField(expression) : null;
  return {
    code: random === null ? 'invalid_cron' : 'cron_not_deterministic',
    message: `invalid cron expression: ${problem}`,
    ...where(expression, timeZone),
  };
}
