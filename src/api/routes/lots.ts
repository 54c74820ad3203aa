// Credit lots (docs/expiry.md): GET /api/v1/users/{id}/lots and GET /api/v1/lots/expiring.
import { createRoute } from '@hono/zod-openapi';
import { actingApp, type ApiDeps } from '../deps.ts';
import { newRouter } from '../router.ts';
import {
  ExpiringLotsQuerySchema,
  listOf,
  LotListQuerySchema,
  LotSchema,
  problemResponses,
  UserIdParamSchema,
} from '../../contract/schemas.ts';
import { lotJson } from '../../contract/serialize.ts';

const LotPageSchema = listOf(LotSchema, 'Lots, by id').openapi('LotPage');

const pageJson = (page: { items: Parameters<typeof lotJson>[0][]; total: number }) => ({
  items: page.items.map(lotJson),
  total: page.total,
});

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
        responses: {
          200: {
            content: { 'application/json': { schema: LotPageSchema } },
            description: 'A page of lots',
          },
          ...problemResponses,
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const q = c.req.valid('query');
        const page = await actingApp(deps, c).userLots(id, { afterId: q.after_id, limit: q.limit });
        return c.json(pageJson(page), 200);
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
        responses: {
          200: {
            content: { 'application/json': { schema: LotPageSchema } },
            description: 'A page of lots',
          },
          ...problemResponses,
        },
      }),
      async (c) => {
        const q = c.req.valid('query');
        const page = await actingApp(deps, c).expiringLots(q.within, {
          afterId: q.after_id,
          limit: q.limit,
        });
        return c.json(pageJson(page), 200);
      },
    );
}
