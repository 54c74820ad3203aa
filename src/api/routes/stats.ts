// /api/v1 statistics: "how much did we give away?" — grants and amounts for today, this month
// and all time (day and month in the configured time zone), per strategy with its schedule,
// and one user's grant history across strategies.
import { createRoute, z } from '@hono/zod-openapi';
import { countedPageJson, pagingOf } from '../counted-page.ts';
import type { ApiDeps } from '../deps.ts';
import { newRouter } from '../router.ts';
import {
  ExecutionSchema,
  IdParamSchema,
  problemResponses,
  strategyNotFoundResponse,
  UserIdParamSchema,
  userNotFoundResponse,
  StatsSchema,
  StrategyStatsQuerySchema,
  StrategyStatsSchema,
  UserGrantsQuerySchema,
  TotalsSchema,
  ByStatusSchema,
  PeriodSchema,
} from '../../contract/schemas.ts';
import { ledgerEntryJson, periodTotalsJson, strategyStatsJson } from '../../contract/serialize.ts';
import { countedCursorPageOf } from '../../contract/schemas/cursor.ts';

/** Counting a user's grants reads their rows in the (user_id) index once per page. */
const COUNT_COST =
  "How many of the user's grants match in all; counted on every page (one range scan of the user's rows in the ledger's user index)";

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
      200: json(
        countedCursorPageOf(ExecutionSchema, 'Ledger rows, newest first', COUNT_COST),
        'A page of ledger rows',
      ),
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
      const { status, ...paging } = c.req.valid('query');
      const page = await app.userLedger(c.req.valid('param').id, { status, ...pagingOf(paging) });
      return c.json(countedPageJson('user-grants', page, ledgerEntryJson), 200);
    });
}
