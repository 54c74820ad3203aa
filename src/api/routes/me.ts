// GET /api/v1/me: the caller the presented token identifies (name and role), for clients that
// adapt to what they may do (the console's sign-in) without trying a write to find out.
import { createRoute } from '@hono/zod-openapi';
import { CallerSchema, problemResponses } from '../../contract/schemas.ts';
import { callerJson } from '../../contract/serialize.ts';
import { newRouter } from '../router.ts';

const route = createRoute({
  method: 'get',
  path: '/me',
  operationId: 'getCaller',
  tags: ['access'],
  summary: 'Who the presented token is: its name and role',
  description:
    'Any valid token may call it (a viewer too). A wrong token answers 401, as everywhere under /api.',
  responses: {
    200: {
      content: { 'application/json': { schema: CallerSchema } },
      description: "The token's name and role",
    },
    ...problemResponses,
  },
});

export function registerCallerRoutes() {
  return newRouter().openapi(route, (c) => c.json(callerJson(c.get('caller')), 200));
}
