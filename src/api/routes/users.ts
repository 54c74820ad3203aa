// /api/v1/users — how operators feed user_info. Users are written with the shape they are read with.
import { createRoute } from '@hono/zod-openapi';
import { AppError } from '../../core/errors.ts';
import { actingApp, type ApiDeps } from '../deps.ts';
import { body } from '../route-helpers.ts';
import { newRouter } from '../router.ts';
import {
  GatewayBalanceSchema,
  problemResponses,
  UserBulkResultSchema,
  UserBulkSchema,
  UserIdParamSchema,
  UserPutSchema,
  UserSearchQuerySchema,
  USER_GRANTS_SHOWN,
  userNotFoundResponse,
  UserSchema,
  userUpsertFromInput,
  UserWithGrantsSchema,
  upsertUserExamples,
  upsertUsersExamples,
} from '../../contract/schemas.ts';
import { gatewayBalanceJson, ledgerEntryJson, userJson } from '../../contract/serialize.ts';
import { cursorPageOf, encodeCursor } from '../../contract/schemas/cursor.ts';

export function registerUserRoutes(deps: ApiDeps) {
  return newRouter()
    .openapi(
      createRoute({
        method: 'get',
        path: '/',
        operationId: 'listUsers',
        tags: ['users'],
        summary: 'List and search users, by id',
        request: { query: UserSearchQuerySchema },
        responses: {
          200: {
            content: {
              'application/json': { schema: cursorPageOf(UserSchema, 'Users, by id') },
            },
            description: 'A page of users',
          },
          ...problemResponses,
        },
      }),
      async (c) => {
        const q = c.req.valid('query');
        const page = await actingApp(deps, c).searchUsers({
          q: q.q,
          org: q.org,
          vipGte: q.vip_gte,
          afterId: q.cursor,
          limit: q.limit,
        });
        return c.json(
          { items: page.items.map(userJson), next_cursor: encodeCursor('users', page.next) },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/{id}',
        operationId: 'deleteUser',
        tags: ['users'],
        summary: 'Delete a user (their ledger rows stay)',
        request: { params: UserIdParamSchema },
        responses: {
          204: { description: 'Deleted' },
          ...problemResponses,
          ...userNotFoundResponse,
        },
      }),
      async (c) => {
        await actingApp(deps, c).deleteUser(c.req.valid('param').id);
        return c.body(null, 204);
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/bulk',
        operationId: 'upsertUsers',
        tags: ['users'],
        summary: 'Upsert many users at once (all or nothing)',
        request: {
          ...body(UserBulkSchema, upsertUsersExamples),
        },
        responses: {
          200: {
            content: {
              'application/json': {
                schema: UserBulkResultSchema,
              },
            },
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
          ...body(UserPutSchema, upsertUserExamples),
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
        return c.json(
          userJson(await actingApp(deps, c).upsertUser(userUpsertFromInput(id, fields))),
          200,
        );
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
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/{id}/balance',
        operationId: 'getGatewayBalance',
        tags: ['users'],
        summary: "The user's balance at the gateway now (to reconcile unknown grants)",
        description:
          "Read through the daemon's gateway client. Admin tokens: any id, whether or not the user is in user_info (the gateway knows users by id; a deleted user's grants may still need reconciling). Viewer tokens: only users in user_info or with grants in the ledger; any other id answers 404. A gateway that cannot be read answers 200 with `balance: null` and the reason in `error`.",
        request: { params: UserIdParamSchema },
        responses: {
          200: {
            content: { 'application/json': { schema: GatewayBalanceSchema } },
            description: 'What the gateway shows now, or why it could not be read',
          },
          ...problemResponses,
          ...userNotFoundResponse,
        },
      }),
      async (c) => {
        const reading = await actingApp(deps, c).gatewayBalance(c.req.valid('param').id);
        return c.json(gatewayBalanceJson(reading), 200);
      },
    );
}
