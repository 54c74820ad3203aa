// /api/v1 statistics: "how much did we give away?" — grants and amounts for today, this month
// and all time (day and month in the configured time zone), per strategy with its schedule,
// and one user's grant history across strategies.
import { createRoute, z } from '@hono/zod-openapi';
import { formatInZone, startOfDay, startOfMonth } from '../../core/calendar.ts';
import { notFound } from '../../core/errors.ts';
import { GRANT_STATUSES } from '../../core/ledger.ts';
import { dueOccurrence } from '../../core/scan/due-occurrence.ts';
import { nextOccurrences, SINGLE_OCCURRENCE } from '../../core/schedule.ts';
import type { Strategy } from '../../core/strategy.ts';
import {
  centsToAmount,
  type StatsRepository,
  type TotalsByStatus,
} from '../../db/stats-repository.ts';
import { newRouter } from '../app.ts';
import type { ApiDeps } from '../deps.ts';
import {
  ExecutionSchema,
  IdParamSchema,
  listOf,
  PaginationShape,
  problemResponses,
  strategyNotFoundResponse,
  UserIdParamSchema,
  userNotFoundResponse,
} from '../schemas.ts';
import { executionJson } from '../serialize.ts';

const TotalsSchema = z
  .object({
    grants: z.number().int().openapi({ description: 'Ledger rows', example: 120 }),
    amount: z
      .number()
      .openapi({
        description: 'Sum of their amounts (exact, at most two decimals)',
        example: 600.5,
      }),
  })
  .openapi('GrantTotals');

const ByStatusSchema = z
  .object(
    Object.fromEntries(GRANT_STATUSES.map((status) => [status, TotalsSchema])) as Record<
      (typeof GRANT_STATUSES)[number],
      typeof TotalsSchema
    >,
  )
  .openapi('GrantTotalsByStatus', {
    description:
      '`applied` is what was actually given; `failed` rows are retried by later scans; `unknown` rows need a human.',
  });

const PeriodSchema = z
  .object({
    since: z
      .string()
      .nullable()
      .openapi({
        description:
          'Start of the period (ISO 8601 with the offset of the time zone); null for all time',
        example: '2026-01-15T00:00:00+08:00',
      }),
    total: TotalsSchema.openapi({
      description: 'Every ledger row created in the period, whatever its status',
    }),
    by_status: ByStatusSchema,
  })
  .openapi('GrantPeriod');

const StatsSchema = z
  .object({
    time_zone: z
      .string()
      .openapi({
        description: 'The zone that decides where "today" and "this month" start',
        example: 'Asia/Shanghai',
      }),
    generated_at: z.string().openapi({ example: '2026-01-15T18:30:00+08:00' }),
    today: PeriodSchema,
    this_month: PeriodSchema,
    all_time: PeriodSchema,
  })
  .openapi('GrantStats');

const FireTimeSchema = z
  .object({
    at: z
      .string()
      .openapi({
        description: 'UTC instant; the occurrence key in the ledger',
        example: '2026-01-16T00:00:00.000Z',
      }),
    local: z
      .string()
      .openapi({
        description: "The same instant in the strategy's time zone",
        example: '2026-01-16T08:00:00+08:00',
      }),
  })
  .openapi('FireTime');

const OccurrenceStatsSchema = z
  .object({
    occurrence: z
      .string()
      .openapi({
        description: '`once` for single strategies, else the fire time (UTC ISO 8601)',
        example: '2026-01-15T00:00:00.000Z',
      }),
    total: TotalsSchema,
    by_status: ByStatusSchema,
  })
  .openapi('OccurrenceStats');

const StrategyStatsSchema = StatsSchema.extend({
  strategy_id: z.number().int().openapi({ example: 1 }),
  strategy_time_zone: z.string().openapi({ example: 'Asia/Shanghai' }),
  last_occurrence: FireTimeSchema.nullable().openapi({
    description:
      'The occurrence due now (periodic strategies; null when none is due or for single strategies)',
  }),
  next_occurrences: z
    .array(FireTimeSchema)
    .openapi({
      description:
        'The next fire times that will grant (empty when disabled, single, or past end_at)',
    }),
  recent_occurrences: z
    .array(OccurrenceStatsSchema)
    .openapi({ description: 'The latest occurrences in the ledger, newest first' }),
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
  status: z.enum(GRANT_STATUSES).optional(),
  ...PaginationShape,
});

const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const tags = ['statistics'];

const routes = {
  overall: createRoute({
    method: 'get',
    path: '/stats',
    tags,
    summary: 'Grants and amounts today, this month and all time',
    description:
      'Periods start at local midnight / the first of the month in the configured time zone (`QM_TIMEZONE`). A grant belongs to the period in which its ledger row was created.',
    responses: { 200: json(StatsSchema, 'Totals, by status'), ...problemResponses },
  }),
  strategy: createRoute({
    method: 'get',
    path: '/strategies/{id}/stats',
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
    tags,
    summary: "One user's grant history across strategies, newest first",
    request: { params: UserIdParamSchema, query: UserGrantsQuerySchema },
    responses: {
      200: json(listOf(ExecutionSchema), 'A page of ledger rows'),
      ...problemResponses,
      ...userNotFoundResponse,
    },
  }),
};

function totalsJson(byStatus: TotalsByStatus) {
  let grants = 0;
  let cents = 0n;
  const statuses = Object.fromEntries(
    GRANT_STATUSES.map((status) => {
      const totals = byStatus[status];
      grants += totals.grants;
      cents += totals.cents;
      return [status, { grants: totals.grants, amount: centsToAmount(totals.cents) }];
    }),
  ) as Record<(typeof GRANT_STATUSES)[number], { grants: number; amount: number }>;
  return { total: { grants, amount: centsToAmount(cents) }, by_status: statuses };
}

async function periodTotals(stats: StatsRepository, deps: ApiDeps, strategyId?: number) {
  const now = deps.clock.now();
  const zone = deps.defaultTimeZone;
  const day = startOfDay(now, zone);
  const month = startOfMonth(now, zone);
  const { windows, allTime } = await stats.grantTotals({ strategyId, windowStarts: [day, month] });
  return {
    time_zone: zone,
    generated_at: formatInZone(now, zone),
    today: { since: formatInZone(day, zone), ...totalsJson(windows[0]!) },
    this_month: { since: formatInZone(month, zone), ...totalsJson(windows[1]!) },
    all_time: { since: null, ...totalsJson(allTime) },
  };
}

const fireTime = (at: Date, zone: string) => ({
  at: at.toISOString(),
  local: formatInZone(at, zone),
});

/** The occurrence the scanner works on now, if the strategy is periodic and one is due. */
function lastOccurrence(strategy: Strategy, now: Date) {
  const due = dueOccurrence(strategy, now);
  return due === null || due === SINGLE_OCCURRENCE
    ? null
    : fireTime(new Date(due), strategy.timezone);
}

/** The next fire times that will grant: inside [start_at, end_at], none when disabled. */
function upcoming(strategy: Strategy, now: Date, count: number) {
  if (!strategy.enabled || strategy.type !== 'periodic' || !strategy.periodicExpr || count === 0)
    return [];
  // nextOccurrences is strictly after its instant; start just before start_at so it counts.
  const from =
    strategy.startAt && strategy.startAt > now ? new Date(strategy.startAt.getTime() - 1) : now;
  return nextOccurrences(strategy.periodicExpr, strategy.timezone, from, count)
    .filter((at) => !strategy.endAt || at <= strategy.endAt)
    .map((at) => fireTime(at, strategy.timezone));
}

export function registerStatsRoutes(deps: ApiDeps, stats: StatsRepository) {
  return newRouter()
    .openapi(routes.overall, async (c) => c.json(await periodTotals(stats, deps), 200))
    .openapi(routes.strategy, async (c) => {
      const { id } = c.req.valid('param');
      const { next, last } = c.req.valid('query');
      const strategy = await deps.strategies.get(id);
      const now = deps.clock.now();
      const [periods, recent] = await Promise.all([
        periodTotals(stats, deps, id),
        stats.recentOccurrences(id, last),
      ]);
      return c.json(
        {
          ...periods,
          strategy_id: id,
          strategy_time_zone: strategy.timezone,
          last_occurrence: lastOccurrence(strategy, now),
          next_occurrences: upcoming(strategy, now, next),
          recent_occurrences: recent.map((o) => ({
            occurrence: o.occurrence,
            ...totalsJson(o.byStatus),
          })),
        },
        200,
      );
    })
    .openapi(routes.userGrants, async (c) => {
      const { id } = c.req.valid('param');
      const query = c.req.valid('query');
      if (!(await deps.users.get(id))) throw notFound('user', id);
      const page = await stats.userGrants(id, query);
      return c.json({ items: page.items.map(executionJson), total: page.total }, 200);
    });
}
