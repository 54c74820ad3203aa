// Statistics: grants and amounts per period (today, this month, all time, in the configured
// time zone), per strategy with its schedule, and the query of one user's grant history.
import { z } from '@hono/zod-openapi';
import { LEDGER_STATUSES } from '../../core/model/ledger-entry.ts';
import { CLOSED_HOLD_STATUSES } from '../../core/ports/scan-store.ts';
import { nullableRef } from './common.ts';
import { formerlyOffsetPaging } from './cursor.ts';
import { HeldSchema } from './preview.ts';

export const TotalsSchema = z
  .object({
    grants: z.number().int().openapi({ description: 'Ledger rows', example: 120 }),
    amount: z.number().openapi({
      description: 'Sum of their amounts (exact, at most two decimals)',
      example: 600.5,
    }),
  })
  .openapi('GrantTotals', { description: 'How many grants, and how much they add up to' });

export const ByStatusSchema = z
  .object(
    Object.fromEntries(
      LEDGER_STATUSES.map((status) => [
        status,
        TotalsSchema.openapi({ description: `Ledger rows now in status ${status}` }),
      ]),
    ) as Record<(typeof LEDGER_STATUSES)[number], typeof TotalsSchema>,
  )
  .openapi('GrantTotalsByStatus', {
    description:
      '`applied` is what was actually given; `failed` rows are retried by later scans; `unknown` rows need a human.',
  });

export const PeriodSchema = z
  .object({
    since: z.string().nullable().openapi({
      description:
        'Start of the period (ISO 8601 with the offset of the time zone); null for all time',
      example: '2026-01-15T00:00:00+08:00',
    }),
    total: TotalsSchema.openapi({
      description: 'Every ledger row created in the period, whatever its status',
    }),
    by_status: ByStatusSchema.openapi({ description: 'The same rows, by their status now' }),
  })
  .openapi('GrantPeriod', { description: 'The grants of one period' });

export const StatsSchema = z
  .object({
    time_zone: z.string().openapi({
      description: 'The zone that decides where "today" and "this month" start',
      example: 'Asia/Shanghai',
    }),
    generated_at: z.string().openapi({
      description: 'When these totals were read, in the time zone',
      example: '2026-01-15T18:30:00+08:00',
    }),
    today: PeriodSchema.openapi({ description: 'Since local midnight' }),
    this_month: PeriodSchema.openapi({ description: 'Since the first of the month, local time' }),
    all_time: PeriodSchema.openapi({ description: 'Every ledger row' }),
    expired_amount: z
      .object({
        today: z.number().openapi({ description: 'Since local midnight', example: 70 }),
        this_month: z
          .number()
          .openapi({ description: 'Since the first of the month', example: 70 }),
        all_time: z.number().openapi({ description: 'Ever', example: 1250 }),
      })
      .openapi({
        description:
          'What credit-lot expiries took back at the gateway (applied expiry rows; docs/expiry.md), by when they were applied. The grant totals above leave expiries out',
      }),
  })
  .openapi('GrantStats');

export const FireTimeSchema = z
  .object({
    at: z.string().openapi({
      description: 'UTC instant; the occurrence key in the ledger',
      example: '2026-01-16T00:00:00.000Z',
    }),
    local: z.string().openapi({
      description: "The same instant in the strategy's time zone",
      example: '2026-01-16T08:00:00+08:00',
    }),
  })
  .openapi('FireTime');

export const OccurrenceStatsSchema = z
  .object({
    occurrence: z.string().openapi({
      description: '`once` for single strategies, else the fire time (UTC ISO 8601)',
      example: '2026-01-15T00:00:00.000Z',
    }),
    total: TotalsSchema.openapi({ description: 'Every ledger row of the occurrence' }),
    by_status: ByStatusSchema.openapi({ description: 'The same rows, by their status now' }),
  })
  .openapi('OccurrenceStats');

export const StrategyStatsSchema = StatsSchema.extend({
  strategy_id: z.number().int().openapi({ description: 'The strategy', example: 1 }),
  strategy_time_zone: z.string().openapi({
    description: "The strategy's time zone (its fire times' local form)",
    example: 'Asia/Shanghai',
  }),
  last_occurrence: nullableRef(
    FireTimeSchema,
    'The occurrence due now (periodic strategies; null when none is due or for single strategies)',
  ),
  next_occurrences: z.array(FireTimeSchema).openapi({
    description:
      'The next fire times that will grant (empty when disabled, single, or past end_at)',
  }),
  recent_occurrences: z
    .array(OccurrenceStatsSchema)
    .openapi({ description: 'The latest occurrences in the ledger, newest first' }),
  held: z.array(HeldSchema).openapi({
    description:
      'Occurrences held by a budget cap (nothing granted until the cap is raised or the occurrence approved), newest first, with what each needs now',
  }),
  closed_holds: z
    .array(
      z.object({
        occurrence: z.string().openapi({
          description: 'The fire time (UTC ISO 8601)',
          example: '2026-01-15T00:00:00.000Z',
        }),
        status: z.enum(CLOSED_HOLD_STATUSES).openapi({
          description:
            'superseded (a newer occurrence fell due under missed_runs: skip), dismissed (by an operator), released (the strategy was disabled)',
          example: 'superseded',
        }),
        closed_at: z.string().openapi({
          description: 'When the hold was closed (UTC ISO 8601)',
          example: '2026-01-16T00:00:05.000Z',
        }),
      }),
    )
    .openapi({
      description:
        'The latest 10 holds that ended without a grant, newest first: closed for good, nothing is ever granted for them',
    }),
}).openapi('StrategyStats');

export const StrategyStatsQuerySchema = z.strictObject({
  next: z.coerce
    .number()
    .int()
    .min(0)
    .max(100)
    .default(5)
    .openapi({ description: 'How many next fire times', example: 5 }),
  last: z.coerce
    .number()
    .int()
    .min(0)
    .max(100)
    .default(5)
    .openapi({ description: 'How many recent ledger occurrences', example: 5 }),
});

export const UserGrantsQuerySchema = z.strictObject({
  status: z
    .enum(LEDGER_STATUSES)
    .optional()
    .openapi({ description: 'Only grants in this status', example: 'applied' }),
  ...formerlyOffsetPaging('user-grants'),
});
