// Errors are data: `parse` returns them, never throws them. Each carries a machine-readable code
// and the exact span to underline, so the API can pass them to operators unchanged.
import type { Span } from './ast.ts';

export const CONDITION_ERROR_CODES = [
  'syntax',
  'unknown_function',
  'arity',
  'argument_type',
  'invalid_timestamp',
  'empty',
  'too_deep',
  'too_long',
  'trailing_input',
  'invalid_character',
  'timestamp_out_of_range',
] as const;

export type ConditionErrorCode = (typeof CONDITION_ERROR_CODES)[number];

export interface ConditionError {
  code: ConditionErrorCode;
  message: string;
  /** 1-based line of the first character to underline. */
  line: number;
  /** 1-based column (UTF-16 code units) of the first character to underline. */
  column: number;
  /** Characters to underline; 0 marks a position (e.g. the end of the input). */
  length: number;
  /** What the parser would have accepted at this position, for display. */
  expected?: string[];
  /** A replacement for the underlined text, e.g. the function name the operator probably meant. */
  suggestion?: string;
}

export function conditionError(
  code: ConditionErrorCode,
  message: string,
  span: Span,
  extra: { expected?: string[]; suggestion?: string } = {},
): ConditionError {
  const error: ConditionError = {
    code,
    message,
    line: span.line,
    column: span.column,
    length: span.length,
  };
  if (extra.expected !== undefined) error.expected = extra.expected;
  if (extra.suggestion !== undefined) error.suggestion = extra.suggestion;
  return error;
}

/** Source order, so operators read errors top to bottom; a stable sort keeps ties as found. */
export function sortErrors(errors: ConditionError[]): ConditionError[] {
  return errors
    .map((error, index) => ({ error, index }))
    .sort(
      (a, b) => a.error.line - b.error.line || a.error.column - b.error.column || a.index - b.index,
    )
    .map(({ error }) => error);
}

/**
 * Thrown (not returned) only for caller mistakes that no condition text can cause, such as an
 * invalid IANA time zone passed to `evaluate`. Configuration should validate zones up front
 * with `isValidTimeZone`.
 */
export class InvalidTimeZoneError extends RangeError {
  readonly code = 'invalid_time_zone';
  constructor(readonly timeZone: string) {
    super(`Unknown IANA time zone: ${JSON.stringify(timeZone)}`);
    this.name = 'InvalidTimeZoneError';
  }
}
