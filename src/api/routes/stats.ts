// /api/v1 statistics: "how much did we give away?" — grants and amounts for today, this month
// and all time (day and month in the configured time zone), per strategy with its schedule,
// and one user's grant history across strategies.
import { createRoute, z } from '@hono/zod-openapi';
import { LEDGER_STATUSES } from '../../core/model/ledger-entry.ts';
import type { ApiDeps } from '../deps.ts';
import { newRouter } from '../router.ts';
import {
  ExecutionSchema,
  IdParamSchema,
  listOf,
  PaginationShape,
  problemResponses,
  strategyNotFoundResponse,
  UserIdParamSchema,
  userNotFoundResponse,
  HeldSchema,
  nullableRef,
} from '../../contract/schemas.ts';
import { ledgerEntryJson, periodTotalsJson, strategyStatsJson } from '../../contract/serialize.ts';

const TotalsSchema = z
  .object({
    grants: z.number().int().openapi({ description: 'Ledger rows', example: 120 }),
    amount: z.number().openapi({
      description: 'Sum of their amounts (exact, at most two decimals)',
      example: 600.5,
    }),
  })
  .openapi('GrantTotals', { description: 'How many grants, and how much they add up to' });

const ByStatusSchema = z
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

const PeriodSchema = z
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

const StatsSchema = z
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
  })
  .openapi('GrantStats');

const FireTimeSchema = z
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

const OccurrenceStatsSchema = z
  .object({
    occurrence: z.string().openapi({
      description: '`once` for single strategies, else the fire time (UTC ISO 8601)',
      example: '2026-01-15T00:00:00.000Z',
    }),
    total: TotalsSchema.openapi({ description: 'Every ledger row of the occurrence' }),
    by_status: ByStatusSchema.openapi({ description: 'The same rows, by their status now' }),
  })
  .openapi('OccurrenceStats');

const StrategyStatsSchema = StatsSchema.extend({
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
}).openapi('StrategyStats');

const StrategyStatsQuerySchema = z.strictObject({
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

const UserGrantsQuerySchema = z.strictObject({
  status: z
    .enum(LEDGER_STATUSES)
    .optional()
    .openapi({ description: 'Only grants in this status', example: 'applied' }),
  ...PaginationShape,
});

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const tags = ['statistics'];

const routes = {
  overall: createRoute({
    method: 'get',
    path: '/stats',
    operationId: 'getStats',
    tags,
    summary: 'Grants and amounts today, this month and all time',
    description:
      'Periods start at local midnight / the first of the month in the configured time zone (`QM_TIMEZONE`). A grant belongs to the period in which its ledger row was created.',
    responses: { 200: json(StatsSchema, 'Totals, by status'), ...problemResponses },
  }),
  strategy: createRoute({
    method: 'get',
    path: '/strategies/{id}/stats',
    operationId: 'getStrategyStats',
    tags,
    summary: "One strategy's grants, its due occurrence and its next fire times",
    request: { params: IdParamSchema, query: StrategyStatsQuerySchema },
    responses: {
      200: json(StrategyStatsSchema, "The strategy's totals and schedule"),
      ...problemResponses,
      ...strategyNotFoundResponse,
    },
  }),
  userGrants: createRoute({
    method: 'get',
    path: '/users/{id}/grants',
    operationId: 'listUserGrants',
    tags,
    summary: "One user's grant history across strategies, newest first",
    request: { params: UserIdParamSchema, query: UserGrantsQuerySchema },
    responses: {
      200: json(listOf(ExecutionSchema, 'Ledger rows, newest first'), 'A page of ledger rows'),
      ...problemResponses,
      ...userNotFoundResponse,
    },
  }),
};

export function registerStatsRoutes({ app }: ApiDeps) {
  const router = newRouter();
  // The generator makes a component from the first instance it meets: registered first, these
  // keep their own description, and each property's `.openapi({ description })` stays its own.
  router.openAPIRegistry.register('GrantTotals', TotalsSchema);
  router.openAPIRegistry.register('GrantTotalsByStatus', ByStatusSchema);
  router.openAPIRegistry.register('GrantPeriod', PeriodSchema);
  return router
    .openapi(routes.overall, async (c) => c.json(periodTotalsJson(await app.grantStats()), 200))
    .openapi(routes.strategy, async (c) => {
      const stats = await app.strategyStats(c.req.valid('param').id, c.req.valid('query'));
      return c.json(strategyStatsJson(stats), 200);
    })
    .openapi(routes.userGrants, async (c) => {
      const page = await app.userLedger(c.req.valid('param').id, c.req.valid('query'));
      return c.json({ items: page.items.map(ledgerEntryJson), total: page.total }, 200);
    });
}
