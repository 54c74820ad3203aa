// The user_source settings (docs/user-sources.md): the operator's user database the user sync
// reads. Built from config-schema.ts's value helpers, passed in so both files word their errors
// the same way.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** A duration written with its unit (`30m`, `24h`, `7d`), in milliseconds. */
const DURATION_UNITS_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
export function parseDuration(value: string): number | undefined {
  const match = /^\s*(\d+)\s*(s|m|h|d)\s*$/.exec(value);
  if (!match) return undefined;
  return Number(match[1]) * DURATION_UNITS_MS[match[2] as keyof typeof DURATION_UNITS_MS];
}

/**
 * The source query, or `@path` to a file holding it (read once, at start-up, so a missing file
 * is a configuration error rather than a failing sync every few minutes).
 */
function sourceQuery(value: string, ctx: z.RefinementCtx): string {
  const trimmed = value.trim();
  if (!trimmed.startsWith('@')) return trimmed;
  try {
    return readFileSync(trimmed.slice(1), 'utf8').trim();
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `cannot read the query file ${trimmed.slice(1)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    });
    return z.NEVER;
  }
}

type Refinement = (value: string, ctx: z.RefinementCtx) => void;

export interface ValueHelpers {
  text: () => z.ZodString;
  cronRule: Refinement;
  databaseUrlRule: Refinement;
  timeZoneRule: Refinement;
}

const fraction = () =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value),
    z
      .number({ error: 'must be a number from 0 to 1' })
      .min(0, { error: 'must be a number from 0 to 1' })
      .max(1, { error: 'must be a number from 0 to 1' }),
  );

export function userSourceSchema({ text, cronRule, databaseUrlRule, timeZoneRule }: ValueHelpers) {
  return z
    .object({
      /** Unset: no user source (users come only from the API, the CLI and imports). */
      url: text().superRefine(databaseUrlRule).optional(),
      query: text()
        .transform(sourceQuery)
        .refine((query) => /^(select|with)\b/i.test(query), {
          error: 'must be a SELECT (or WITH … SELECT) statement, or @file.sql holding one',
        })
        .optional(),
      /** A column of the query to read incrementally by; unset: every run reads everything. */
      cursor: text()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
          error: 'must be a column name of the query (letters, digits, _)',
        })
        .optional(),
      cron: text().superRefine(cronRule).default('*/5 * * * *'),
      fullEvery: text()
        .refine((value) => (parseDuration(value) ?? 0) > 0, {
          error: 'must be a duration with a unit: 30m, 6h, 1d (s, m, h or d)',
        })
        .default('24h'),
      onDelete: z
        .preprocess(
          (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
          z.enum(['keep', 'delete'], { error: 'must be one of keep, delete' }),
        )
        .default('keep'),
      maxDeleteFraction: fraction().default(0.1),
      /** Unset: QM_TIMEZONE. */
      timezone: text().superRefine(timeZoneRule).optional(),
    })
    .superRefine((source, ctx) => {
      if (source.url !== undefined && source.query === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['query'],
          message: 'must be set when USER_SOURCE_URL is (the SELECT that reads the users)',
        });
    });
}
