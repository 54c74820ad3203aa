// GET /api/v1/strategies/{id}/executions — one strategy's grant ledger, oldest first, by keyset.
import { createRoute } from '@hono/zod-openapi';
import { countedPageJson, pagingOf } from '../counted-page.ts';
import { json } from '../route-helpers.ts';
import { actingApp, type ApiDeps } from '../deps.ts';
import { newRouter } from '../router.ts';
import {
  ExecutionListQuerySchema,
  ExecutionSchema,
  IdParamSchema,
  problemResponses,
  strategyNotFoundResponse,
} from '../../contract/schemas.ts';
import { ledgerEntryJson } from '../../contract/serialize.ts';
import { countedCursorPageOf } from '../../contract/schemas/cursor.ts';

const tags = ['strategies'];

const route = createRoute({
  method: 'get',
  path: '/{id}/executions',
  operationId: 'listStrategyExecutions',
  tags,
  summary: "The strategy's grant ledger",
  request: { params: IdParamSchema, query: ExecutionListQuerySchema },
  responses: {
    200: json(
      countedCursorPageOf(
        ExecutionSchema,
        'Ledger rows, oldest first (by id)',
        "How many of the strategy's ledger rows match in all; counted on every page, which reads every matching row of the strategy's index range (a strategy with millions of grants pays for it)",
      ),
      'A page of ledger rows',
    ),
    ...problemResponses,
    ...strategyNotFoundResponse,
  },
});

export function registerStrategyExecutionRoutes(deps: ApiDeps) {
  return newRouter().openapi(route, async (c) => {
    const { user_id: userId, status, ...paging } = c.req.valid('query');
    const page = await actingApp(deps, c).strategyLedger(c.req.valid('param').id, {
      userId,
      status,
      ...pagingOf(paging),
    });
    return c.json(countedPageJson('strategy-executions', page, ledgerEntryJson), 200);
  });
}
