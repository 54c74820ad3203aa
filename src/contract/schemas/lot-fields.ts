// The credit-lot fields of a strategy (docs/expiry.md), in requests and in responses.
import { z } from '@hono/zod-openapi';
import type { StrategyPatch } from '../../core/model/strategy.ts';
import { isWholeCents } from '../../core/storable-values.ts';
import { isoDateTime } from './common.ts';

const FIELD = {
  expires_after:
    'Credit lots (docs/expiry.md): each grant expires this long after its occurrence — an ISO 8601 duration of weeks, days, hours, minutes, seconds (P30D, PT12H; at least PT1M) — or at a calendar boundary in `timezone` (end_of_day, end_of_week, end_of_month); the unspent remainder is taken back. Null: grants never expire',
  expires_at:
    'Credit lots, single strategies: every grant expires at this instant (ISO 8601). Null: none',
  rollover_max:
    'Credit lots, periodic strategies: at the next occurrence at most this much of the previous lot’s remainder is carried over; the rest expires. Null: no rollover',
  priority:
    'Credit lots: spending order — lots with a lower priority are spent first, then the soonest expiry, then the oldest (default 0)',
};

/**
 * A budget cap or a rollover: at least 0.01 (a cap of 0 would hold every occurrence: disable
 * instead), a whole number of cents, within the Decimal(14,2) column.
 */
export const CapAmount = z
  .number()
  .min(0.01)
  .max(999_999_999_999)
  .refine(isWholeCents, {
    error: 'at most two decimals: a whole number of cents',
    params: { code: 'amount_precision' },
  });

export const LotFieldsShape = {
  expires_after: z
    .string()
    .max(64)
    .nullable()
    .optional()
    .openapi({ description: FIELD.expires_after, example: 'end_of_month' }),
  expires_at: isoDateTime
    .nullable()
    .optional()
    .openapi({ description: FIELD.expires_at, example: '2027-01-01T00:00:00+08:00' }),
  rollover_max: CapAmount.nullable()
    .optional()
    .openapi({ description: FIELD.rollover_max, example: 50 }),
  priority: z
    .number()
    .int()
    .min(-1_000_000)
    .max(1_000_000)
    .optional()
    .openapi({ description: FIELD.priority, example: 0 }),
};

export const LotResponseShape = {
  expires_after: z
    .string()
    .nullable()
    .openapi({ description: FIELD.expires_after, example: 'end_of_month' }),
  expires_at: z.string().nullable().openapi({ description: FIELD.expires_at, example: null }),
  rollover_max: z.number().nullable().openapi({ description: FIELD.rollover_max, example: 50 }),
  priority: z.number().int().openapi({ description: FIELD.priority, example: 0 }),
};

type LotBody = Partial<{ [K in keyof typeof LotFieldsShape]: z.infer<(typeof LotFieldsShape)[K]> }>;

/** The lot fields a validated body has → the core's patch (absent keys absent, null clears). */
export function lotPatchFromBody(body: LotBody): StrategyPatch {
  const patch: StrategyPatch = {};
  if ('expires_after' in body) patch.expiresAfter = body.expires_after ?? null;
  if ('expires_at' in body) patch.expiresAt = body.expires_at ? new Date(body.expires_at) : null;
  if ('rollover_max' in body) patch.rolloverMax = body.rollover_max ?? null;
  if (body.priority !== undefined) patch.lotPriority = body.priority;
  return patch;
}
