// The one rule for a time zone someone names — a strategy's, a schedule preview's, the
// configured defaults: Intl must know it (else "did you mean"), and it must be `UTC` or an
// `Area/City` name nobody misreads (else the zone likely meant, zone-names.ts).
import { isValidTimeZone, suggestTimeZone } from './time-zone.ts';
import { ambiguousZoneProblem } from './zone-names.ts';

export type ZoneProblemCode = 'unknown_time_zone' | 'ambiguous_time_zone';

export interface ZoneProblem {
  code: ZoneProblemCode;
  message: string;
  /** The zone to use instead, when one is likely. */
  suggestion?: string;
}

/**
 * Why `timeZone` is not a zone to use, or undefined. `keep`: a zone that passes as it is (a
 * stored strategy's own), so what was saved under older rules keeps working.
 */
export function zoneProblem(timeZone: string, keep?: string): ZoneProblem | undefined {
  if (!isValidTimeZone(timeZone)) {
    const suggestion = suggestTimeZone(timeZone);
    return {
      code: 'unknown_time_zone',
      message: `unknown IANA time zone "${timeZone}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
      ...(suggestion ? { suggestion } : {}),
    };
  }
  if (timeZone === keep) return undefined;
  const ambiguous = ambiguousZoneProblem(timeZone);
  if (ambiguous === undefined) return undefined;
  return { code: 'ambiguous_time_zone', ...ambiguous };
}
