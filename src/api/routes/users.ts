// /api/v1/users — how operators feed user_info. Users are written with the shape they are read with.
import { createRoute, z } from '@hono/zod-openapi';
import { AppError, notFound } from '../../core/errors.ts';
import { newRouter } from '../app.ts';
import type { ApiDeps } from '../deps.ts';
import {
  problemResponses,
  UserBulkItemSchema,
  UserBulkSchema,
  UserIdParamSchema,
  UserPutSchema,
  USER_GRANTS_SHOWN,
  userNotFoundResponse,
  UserSchema,
  userUpsertFromInput,
  UserWithGrantsSchema,
} from '../schemas.ts';
import { executionJson, userJson } from '../serialize.ts';

export function registerUserRoutes(deps: ApiDeps) {
  return newRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: '/bulk',
        operationId: 'upsertUsers',
        tags: ['users'],
        summary: 'Upsert many users at once (all or nothing)',
        request: {
          body: { content: { 'application/json': { schema: UserBulkSchema } }, required: true },
        },
        responses: {
          200: {
            content: { 'application/json': { schema: z.object({ upserted: z.number().int() }) } },
            description: 'How many users were written',
          },
          ...problemResponses,
        },
      }),
      async (c) => {
        const users = c.req.valid('json');
        const seen = new Set<string>();
        const duplicates = users
          .map((u, index) => ({ id: u.id, index }))
          .filter(({ id }) => seen.size === seen.add(id).size);
        if (duplicates.length > 0) {
          throw new AppError(
            'validation_failed',
            'a user id appears more than once',
            duplicates.map((d) => ({ field: `${d.index}.id`, message: `duplicate id "${d.id}"` })),
          );
        }
        const upserted = await deps.users.upsertMany(
          users.map(({ id, ...fields }) => userUpsertFromInput(id, fields)),
        );
        return c.json({ upserted }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'put',
        path: '/{id}',
        operationId: 'upsertUser',
        tags: ['users'],
        summary: 'Create or update a user',
        request: {
          params: UserIdParamSchema,
          body: { content: { 'application/json': { schema: UserPutSchema } }, required: true },
        },
        responses: {
          200: {
            content: { 'application/json': { schema: UserSchema } },
            description: 'The user as stored',
          },
          ...problemResponses,
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const { id: bodyId, ...fields } = c.req.valid('json');
        if (bodyId !== undefined && bodyId !== id) {
          throw new AppError('validation_failed', 'the body id differs from the path id', [
            { field: 'id', message: `expected "${id}"` },
          ]);
        }
        return c.json(userJson(await deps.users.upsert(userUpsertFromInput(id, fields))), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}',
        operationId: 'getUser',
        tags: ['users'],
        summary: `A user, with their latest ${USER_GRANTS_SHOWN} grants (newest first)`,
        request: { params: UserIdParamSchema },
        responses: {
          200: {
            content: { 'application/json': { schema: UserWithGrantsSchema } },
            description: `The user, with their latest ${USER_GRANTS_SHOWN} grants`,
          },
          ...problemResponses,
          ...userNotFoundResponse,
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param');
        const user = await deps.users.get(id);
        if (!user) throw notFound('user', id);
        const grants = await deps.executions.list({
          userId: id,
          limit: USER_GRANTS_SHOWN,
          offset: 0,
          newestFirst: true,
        });
        return c.json(
          {
            ...userJson(user),
            grants: grants.items.map(executionJson),
            grants_total: grants.total,
          },
          200,
        );
      },
    );
}
