// /api/v1/users — how operators feed user_info. Users are written with the shape they are read with.
import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../core/errors.ts';
import { actingApp, type ApiDeps } from '../deps.ts';
import { newRouter } from '../router.ts';
import {
  problemResponses,
  UserBulkSchema,
  UserIdParamSchema,
  UserPutSchema,
  USER_GRANTS_SHOWN,
  userNotFoundResponse,
  UserSchema,
  userUpsertFromInput,
  UserWithGrantsSchema,
} from '../schemas.ts';
import { ledgerEntryJson, userJson } from '../serialize.ts';

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
        const upserted = await actingApp(deps, c).upsertUsers(
          c.req.valid('json').map(({ id, ...fields }) => userUpsertFromInput(id, fields)),
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
        return c.json(userJson(await actingApp(deps, c).upsertUser(userUpsertFromInput(id, fields))), 200);
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
        const { user, grants } = await actingApp(deps, c).getUser(id, USER_GRANTS_SHOWN);
        return c.json(
          {
            ...userJson(user),
            grants: grants.items.map(ledgerEntryJson),
            grants_total: grants.total,
          },
          200,
        );
      },
    );
}
