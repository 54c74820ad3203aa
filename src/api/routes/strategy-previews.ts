// /api/v1/strategies/:id — previews (counts, and every user an occurrence would grant, as JSON
// pages or a CSV stream) and the approval of an occurrence held by a budget cap.
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { PreviewTarget } from '../../core/use-cases/preview-strategy.ts';
import { actingApp, type ApiDeps } from '../deps.ts';
import { emptyBodyIsNoBody } from '../empty-body-is-no-body.ts';
import { parseIfMatch } from '../if-match.ts';
import { body } from '../route-helpers.ts';
import { newRouter } from '../router.ts';
import { encodeCursor } from '../../contract/schemas/cursor.ts';
import {
  IdParamSchema,
  IfMatchHeaderSchema,
  OccurrenceParamSchema,
  PreviewBodySchema,
  PreviewSchema,
  PreviewUsersPageSchema,
  PreviewUsersQuerySchema,
  preconditionFailedResponse,
  problemResponses,
  routeProblem,
  RunResultSchema,
  strategyNotFoundResponse,
  previewStrategyExamples,
} from '../../contract/schemas.ts';
import { previewJson, runResultJson } from '../../contract/serialize.ts';
import { csvStream } from './csv-response.ts';

const tags = ['strategies'];
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

const approveConflictResponse = {
  409: routeProblem(
    'Nothing was approved. `occurrence_not_held`: the occurrence is not held by a budget cap. ' +
      '`strategy_disabled`: the strategy is disabled. `conflict`: another process holds the strategy’s lease.',
    {
      occurrence_not_held: {
        code: 'occurrence_not_held',
        detail:
          'occurrence once of strategy 42 is not held by a budget cap: there is nothing to approve',
      },
      strategy_disabled: {
        code: 'strategy_disabled',
        detail: 'strategy 42 is disabled: enable it before approving its occurrences',
      },
    },
  ),
};

const routes = {
  preview: createRoute({
    method: 'post',
    path: '/{id}/preview',
    operationId: 'previewStrategy',
    // The body is optional: an empty one with a JSON content type means none.
    middleware: [emptyBodyIsNoBody],
    tags,
    summary: 'Dry run: what one occurrence (due now, next, or any fire time) would grant',
    description:
      'No side effects; allowed on a disabled strategy. Future occurrences may be previewed (runs still refuse them). ' +
      'Counts are made with the same pushed-down condition as a run, and the same budget check.',
    request: {
      params: IdParamSchema,
      ...body(PreviewBodySchema, previewStrategyExamples, false),
    },
    responses: {
      200: json(PreviewSchema, 'The preview'),
      ...problemResponses,
      ...strategyNotFoundResponse,
    },
  }),
  previewUsers: createRoute({
    method: 'get',
    path: '/{id}/preview/users',
    operationId: 'listPreviewUsers',
    tags,
    summary: 'Every user one occurrence would grant, paged (JSON) or streamed (CSV)',
    description:
      'With `Accept: text/csv` every user is streamed as CSV (header `user_id,amount`; no limit, constant memory). ' +
      'Budget caps are not applied: for a held occurrence this lists whom an approval would grant.',
    request: { params: IdParamSchema, query: PreviewUsersQuerySchema },
    responses: {
      200: {
        description: 'A page of users (JSON), or all of them (CSV)',
        content: {
          'application/json': { schema: PreviewUsersPageSchema },
          'text/csv': {
            schema: z.string().openapi({ example: 'user_id,amount\nuser001,5\nuser002,5\n' }),
          },
        },
      },
      ...problemResponses,
      ...strategyNotFoundResponse,
    },
  }),
  approve: createRoute({
    method: 'post',
    path: '/{id}/occurrences/{occurrence}/approve',
    operationId: 'approveOccurrence',
    tags,
    summary: 'Approve one occurrence held by a budget cap, once, and run it at once',
    description:
      'Records the approval (approved_by, approved_at) and runs the occurrence synchronously, answering like POST /{id}/run. ' +
      'The approval holds for this occurrence only, at the strategy version it was given at and for the users and amount the occurrence needed then: ' +
      'a later run holds the occurrence again when the strategy has a new version or the occurrence needs more. ' +
      'Send the ETag you read as If-Match to approve the strategy as you saw it (412 if it changed since). ' +
      'Raising the cap (PATCH) releases every later occurrence.',
    request: { params: OccurrenceParamSchema, headers: IfMatchHeaderSchema },
    responses: {
      200: json(RunResultSchema, 'What the run did'),
      ...problemResponses,
      ...strategyNotFoundResponse,
      ...approveConflictResponse,
      ...preconditionFailedResponse,
    },
  }),
};

/** The body is optional; a missing or empty body previews the occurrence due now. */
function previewTarget(occurrence: string | undefined): PreviewTarget {
  if (occurrence === undefined) return undefined;
  return occurrence === 'next' ? 'next' : new Date(occurrence);
}

function wantsCsv(c: Context): boolean {
  return /\btext\/csv\b/i.test(c.req.header('accept') ?? '');
}

export function registerPreviewRoutes(deps: ApiDeps) {
  const { app } = deps;
  return newRouter()
    .openapi(routes.preview, async (c) => {
      const strategy = await app.getStrategy(c.req.valid('param').id);
      let body: { occurrence?: string } | undefined;
      try {
        body = c.req.valid('json');
      } catch {
        body = undefined; // no body at all
      }
      const target = previewTarget(body?.occurrence);
      return c.json(previewJson(await actingApp(deps, c).previewStrategy(strategy, target)), 200);
    })
    .openapi(routes.previewUsers, async (c) => {
      const strategy = await app.getStrategy(c.req.valid('param').id);
      const { occurrence, cursor, limit } = c.req.valid('query');
      const target = previewTarget(occurrence);
      if (wantsCsv(c)) {
        const pages = actingApp(deps, c).streamPreviewUsers(strategy, target);
        // A user whose balance was not read has no amount: an empty cell, not a 0.
        return csvStream(c, ['user_id', 'amount'], pages, (u) => [u.userId, u.amount ?? '']);
      }
      const page = await actingApp(deps, c).previewUsers(strategy, {
        target,
        cursor: cursor ?? null,
        limit,
      });
      return c.json(
        {
          occurrence: page.occurrence,
          items: page.items.map((u) => ({ user_id: u.userId, amount: u.amount })),
          next_cursor: encodeCursor('preview-users', page.nextCursor),
        },
        200,
      );
    })
    .openapi(routes.approve, async (c) => {
      const { id, occurrence } = c.req.valid('param');
      const ifMatch = parseIfMatch(c.req.valid('header')['if-match']);
      const strategy = await app.getStrategy(id);
      // Acting as the caller: the approval and its audit row name the token that made it.
      const result = await actingApp(deps, c).approveOccurrence(strategy, occurrence, ifMatch);
      return c.json(runResultJson(result), 200);
    });
}
