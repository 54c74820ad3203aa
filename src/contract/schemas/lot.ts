// Credit lots on the wire (docs/expiry.md): a user's lots, and the lots expiring soon.
import { z } from '@hono/zod-openapi';
import { LEDGER_STATUSES } from '../../core/model/ledger-entry.ts';
import { idCursor } from './cursor.ts';

const afterId = z.coerce
  .number()
  .int()
  .min(0)
  .max(2_147_483_647)
  .optional()
  .openapi({
    description:
      'Deprecated (removed in the next release): only lots with a larger id. Use `cursor` instead; ignored when `cursor` is sent.',
    example: 0,
    param: { deprecated: true },
  });
const limit = z.coerce.number().int().min(1).max(1000).default(50).openapi({
  description: 'Lots per page (1 to 1000)',
  example: 50,
});

export const LotListQuerySchema = z.strictObject({
  cursor: idCursor('user-lots'),
  after_id: afterId,
  limit,
});

export const ExpiringLotsQuerySchema = z.strictObject({
  within: z.string().min(1).max(64).openapi({
    description:
      'Active lots expiring from now until now plus this ISO 8601 duration (P7D, PT12H; weeks, days, hours, minutes, seconds) or calendar boundary (end_of_day, end_of_week, end_of_month, in QM_TIMEZONE)',
    example: 'P7D',
  }),
  cursor: idCursor('expiring-lots'),
  after_id: afterId,
  limit,
});

export const LotSchema = z
  .object({
    id: z.number().int().openapi({ description: "The lot's id", example: 12 }),
    user_id: z.string().openapi({ description: 'Whose lot', example: 'user001' }),
    strategy_id: z.number().int().openapi({
      description: 'The strategy that granted it (kept after the strategy is deleted)',
      example: 3,
    }),
    occurrence: z.string().openapi({
      description: 'The occurrence it was granted for (`once` for single strategies)',
      example: '2026-12-01T00:00:00.000Z',
    }),
    source: z.enum(['grant', 'rollover']).openapi({
      description:
        '`grant`: what a grant gave; `rollover`: the remainder a periodic lot carried into the next period',
      example: 'grant',
    }),
    amount: z.number().openapi({ description: 'What the lot gave', example: 100 }),
    consumed: z.number().openapi({
      description:
        'Consumption attributed to it at the last lot event (spending order: priority, soonest expiry, oldest)',
      example: 30,
    }),
    remaining: z.number().openapi({
      description: 'amount − consumed while active; 0 once expired',
      example: 70,
    }),
    granted_at: z.string().openapi({
      description: 'When the grant was applied (UTC ISO 8601)',
      example: '2026-12-01T00:00:03.000Z',
    }),
    expires_at: z.string().openapi({
      description: 'When it expires (UTC ISO 8601)',
      example: '2027-01-01T00:00:00.000Z',
    }),
    priority: z.number().int().openapi({ description: 'Lower is spent first', example: 0 }),
    state: z.enum(['active', 'expiring', 'expired']).openapi({
      description:
        '`active`; `expiring`: its expiry is decided (amount fixed) and about to be claimed in the ledger; `expired`: its expiry is a ledger row (see expiry_status)',
      example: 'active',
    }),
    expired_amount: z.number().nullable().openapi({
      description: 'What its expiry takes back (null while active)',
      example: null,
    }),
    carried: z.number().nullable().openapi({
      description: 'What it carried into a rollover lot (null without rollover or while active)',
      example: null,
    }),
    expiry_status: z.enum(LEDGER_STATUSES).nullable().openapi({
      description:
        "The status of its expiry's ledger row (strategy id 0): applied, or pending/sending/failed/unknown while in progress; null before",
      example: null,
    }),
  })
  .openapi('Lot');
