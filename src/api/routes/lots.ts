// Credit lots (docs/expiry.md): GET /api/v1/users/{id}/lots and GET /api/v1/lots/expiring;
// the expiries' own ledger rows (strategy 0, which has no strategy resource) at
// GET /api/v1/lots/expiries and POST /api/v1/lots/expiries/{execution_id}/resolve, through the
// same use cases, compare-and-set and audit as a strategy's executions.
import { createRoute, z } from '@hono/zod-openapi';
import { countedPageJson, pagingOf } from '../counted-page.ts';
import { actingApp, type ApiDeps } from '../deps.ts';
import { body, json } from '../route-helpers.ts';
import { newRouter } from '../router.ts';
import {
  ExecutionSchema,
  ExpiringLotsQuerySchema,
  ExpiryListQuerySchema,
  LotListQuerySchema,
  LotSchema,
  pathId,
  problemResponses,
  ResolveBodySchema,
  resolveConflictResponse,
  resolveExecutionExamples,
  routeProblem,
  UserIdParamSchema,
} from '../../contract/schemas.ts';
import { ledgerEntryJson, lotJson } from '../../contract/serialize.ts';
import { EXPIRY_STRATEGY_ID } from '../../core/lots/lot.ts';
import { countedCursorPageOf } from '../../contract/schemas/cursor.ts';

const ExpiryParamSchema = z.object({
  execution_id: pathId('execution_id', 1, "An expiry's ledger row id (the `id` of an Execution)"),
});

const LotPageSchema = countedCursorPageOf(LotSchema, 'Lots, by id').openapi('LotPage');

export function registerLotRoutes(deps: ApiDeps) {
  return newRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/users/{id}/lots',
        operationId: 'listUserLots',
        tags: ['lots'],
        summary: "A user's credit lots, active and past, by id (also after the user was deleted)",
        request: { params: UserIdParamSchema, query: LotListQuerySchema },
        responses: { 200: json(LotPageSchema, 'A page of lots'), ...problemResponses },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const q = c.req.valid('query');
        const page = await actingApp(deps, c).userLots(id, {
          afterId: q.cursor ?? q.after_id ?? 0,
          limit: q.limit,
        });
        return c.json(countedPageJson('user-lots', page, lotJson), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/lots/expiring',
        operationId: 'listExpiringLots',
        tags: ['lots'],
        summary: 'Active credit lots expiring within a duration from now, by id',
        request: { query: ExpiringLotsQuerySchema },
        responses: { 200: json(LotPageSchema, 'A page of lots'), ...problemResponses },
      }),
      async (c) => {
        const q = c.req.valid('query');
        const page = await actingApp(deps, c).expiringLots(q.within, {
          afterId: q.cursor ?? q.after_id ?? 0,
          limit: q.limit,
        });
        return c.json(countedPageJson('expiring-lots', page, lotJson), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/lots/expiries',
        operationId: 'listLotExpiries',
        tags: ['lots'],
        summary:
          "The expiries' ledger rows (strategy_id 0), oldest first: `status=unknown` lists those waiting for a person",
        request: { query: ExpiryListQuerySchema },
        responses: {
          200: json(
            countedCursorPageOf(
              ExecutionSchema,
              'Expiry rows, oldest first (by id); amounts are negative',
            ),
            'A page of expiry rows',
          ),
          ...problemResponses,
        },
      }),
      async (c) => {
        const { user_id: userId, status, ...paging } = c.req.valid('query');
        const page = await actingApp(deps, c).expiryLedger({
          userId,
          status,
          ...pagingOf(paging),
        });
        return c.json(countedPageJson('lot-expiries', page, ledgerEntryJson), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/lots/expiries/{execution_id}/resolve',
        operationId: 'resolveLotExpiry',
        tags: ['lots'],
        summary:
          'Resolve an expiry whose outcome is unknown (or failed): mark it applied (the negative delta arrived), or send it again',
        request: {
          params: ExpiryParamSchema,
          ...body(ResolveBodySchema, resolveExecutionExamples),
        },
        responses: {
          200: json(ExecutionSchema, 'The expiry row after resolution'),
          ...problemResponses,
          404: routeProblem('No expiry row has this id', {
            not_found: { code: 'not_found', detail: 'execution 42 does not exist' },
          }),
          ...resolveConflictResponse,
        },
      }),
      async (c) => {
        const { execution_id: executionId } = c.req.valid('param');
        const { resolution } = c.req.valid('json');
        const entry = await actingApp(deps, c).resolveLedgerEntry(
          EXPIRY_STRATEGY_ID,
          executionId,
          resolution,
        );
        return c.json(ledgerEntryJson(entry), 200);
      },
    );
}
