// Value rules shared by the sections of the config schema (config-schema.ts and the files of
// its larger sections): each accepts the environment's text and YAML's scalars alike.
import { CronExpressionParser } from 'cron-parser';
import { validate as nodeCronAccepts } from 'node-cron';
import { z } from 'zod';
import { zoneProblem } from '../core/zone-rules.ts';

/** Node's timers hold at most 2^31-1 ms; a longer delay silently fires after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A millisecond setting: bounded so every timer built from it means what it says. */
export function duration(min: number, why = 'longer delays overflow Node timers') {
  const error = `must be an integer from ${min} to ${MAX_TIMER_MS} (ms; ${why})`;
  const number = z.int({ error }).min(min, { error }).max(MAX_TIMER_MS, { error });
  return z.preprocess(
    (value) =>
      typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value,
    number,
  );
}

// A YAML number where text is expected (admin_token: 12345…) would be silently rounded or
// reformatted, so it is refused rather than converted.
export const text = () => z.string({ error: 'must be a string (quote it in YAML)' });

/**
 * A list setting: a YAML list as it is, or the environment's comma-separated text split into
 * trimmed, non-empty items (an environment variable has no list syntax).
 */
export function splitCommaText(value: unknown): unknown {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
    : value;
}

/** Reason a cron expression is unusable, or undefined when node-cron and cron-parser both take it. */
export function cronProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/).length;
  // cron-parser also takes 1–4 fields and "@daily"; the contract is 5 or 6 so the meaning is explicit.
  if (fields !== 5 && fields !== 6)
    return `must have 5 fields (minute hour day month weekday) or 6 (seconds first), got ${fields}`;
  try {
    CronExpressionParser.parse(expression);
  } catch (error) {
    return `is not a valid cron expression: ${(error as Error).message}`;
  }
  // node-cron is what fires SCAN_CRON; cron-parser accepts a few extensions (e.g. H) it does not.
  if (!nodeCronAccepts(expression)) return 'is not a cron expression node-cron can schedule';
  return undefined;
}

/**
 * Reason a zone setting is unusable, by the rule strategies follow (core/zone-rules.ts): Intl
 * must know it, and it must be UTC or Area/City — `CST` is China to an operator in Shanghai and US
 * Central to the tz database, so the message names the zone likely meant. The value itself is
 * not repeated: the config error already shows it (cut short).
 */
export function timeZoneProblem(value: string): string | undefined {
  const problem = zoneProblem(value);
  if (problem === undefined) return undefined;
  if (problem.code === 'ambiguous_time_zone') return problem.message;
  return `must be an IANA time zone such as UTC or Asia/Shanghai${problem.suggestion ? ` (did you mean "${problem.suggestion}"?)` : ''}`;
}

export function httpUrlProblem(value: string): string | undefined {
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    protocol = '';
  }
  // "gw:8002" parses as scheme "gw:", so one message covers a wrong scheme and a missing one.
  return protocol === 'http:' || protocol === 'https:'
    ? undefined
    : 'must be an absolute http:// or https:// URL';
}

/** Adapts a "reason or undefined" function to a zod refinement with that reason as message. */
export const rule =
  (problem: (value: string) => string | undefined) =>
  (value: string, ctx: z.RefinementCtx): void => {
    const message = problem(value);
    if (message !== undefined) ctx.addIssue({ code: 'custom', message });
  };
