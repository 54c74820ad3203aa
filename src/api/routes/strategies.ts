// /api/v1/strategies — strategy CRUD, runs, previews and the ledger of each strategy.
import { createRoute } from '@hono/zod-openapi';
import { body, json, readOptionalBody } from '../route-helpers.ts';
import { actingApp, type ApiDeps } from '../deps.ts';
import { countedPageJson, pagingOf } from '../counted-page.ts';
import { emptyBodyIsNoBody } from '../empty-body-is-no-body.ts';
import { newRouter } from '../router.ts';
import {
  duplicateNameResponse,
  executionNotFoundResponse,
  ExecutionSchema,
  IdParamSchema,
  problemResponses,
  ResolveBodySchema,
  resolveConflictResponse,
  ExecutionParamSchema,
  RunBodySchema,
  runConflictResponse,
  RunResultSchema,
  ScanSummarySchema,
  StrategyCreateSchema,
  StrategyListQuerySchema,
  strategyNotFoundResponse,
  StrategyPatchSchema,
  StrategyReplaceSchema,
  StrategySchema,
  strategyInputFromBody,
  strategyPatchFromBody,
  strategyReplacementFromBody,
  createStrategyExamples,
  replaceStrategyExamples,
  updateStrategyExamples,
  runStrategyExamples,
  resolveExecutionExamples,
  IfMatchHeaderSchema,
  preconditionFailedResponse,
  withStrategyTag,
} from '../../contract/schemas.ts';
import { parseIfMatch, strategyETag } from '../if-match.ts';
import { countedCursorPageOf } from '../../contract/schemas/cursor.ts';
import type { Strategy } from '../../core/model/strategy.ts';
import {
  ledgerEntryJson,
  runResultJson,
  scanSummaryJson,
  strategyJson,
} from '../../contract/serialize.ts';

const tags = ['strategies'];

const routes = {
  create: createRoute({
    method: 'post',
    path: '/',
    operationId: 'createStrategy',
    tags,
    summary: 'Create a strategy',
    request: body(StrategyCreateSchema, createStrategyExamples),
    responses: {
      201: withStrategyTag(json(StrategySchema, 'The created strategy')),
      ...problemResponses,
      ...duplicateNameResponse,
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/',
    operationId: 'listStrategies',
    tags,
    summary: 'List strategies',
    request: { query: StrategyListQuerySchema },
    responses: {
      200: json(countedCursorPageOf(StrategySchema, 'Strategies, by id'), 'A page of strategies'),
      ...problemResponses,
    },
  }),
  scan: createRoute({
    method: 'post',
    path: '/scan',
    operationId: 'scanStrategies',
    tags,
    summary: 'Run a scan of every enabled strategy now (synchronous)',
    responses: { 200: json(ScanSummarySchema, 'What the scan did'), ...problemResponses },
  }),
  get: createRoute({
    method: 'get',
    path: '/{id}',
    operationId: 'getStrategy',
    tags,
    summary: 'Get a strategy',
    request: { params: IdParamSchema },
    responses: {
      200: withStrategyTag(json(StrategySchema, 'The strategy')),
      ...problemResponses,
      ...strategyNotFoundResponse,
    },
  }),
  put: createRoute({
    method: 'put',
    path: '/{id}',
    operationId: 'replaceStrategy',
    tags,
    summary: 'Replace a strategy',
    request: {
      params: IdParamSchema,
      headers: IfMatchHeaderSchema,
      ...body(StrategyReplaceSchema, replaceStrategyExamples),
    },
    responses: {
      200: withStrategyTag(json(StrategySchema, 'The updated strategy')),
      ...problemResponses,
      ...strategyNotFoundResponse,
      ...duplicateNameResponse,
      ...preconditionFailedResponse,
    },
  }),
  patch: createRoute({
    method: 'patch',
    path: '/{id}',
    operationId: 'updateStrategy',
    tags,
    summary: 'Change some fields of a strategy',
    request: {
      params: IdParamSchema,
      headers: IfMatchHeaderSchema,
      ...body(StrategyPatchSchema, updateStrategyExamples),
    },
    responses: {
      200: withStrategyTag(json(StrategySchema, 'The updated strategy')),
      ...problemResponses,
      ...strategyNotFoundResponse,
      ...duplicateNameResponse,
      ...preconditionFailedResponse,
    },
  }),
  delete: createRoute({
    method: 'delete',
    path: '/{id}',
    operationId: 'deleteStrategy',
    tags,
    summary: 'Delete a strategy (its ledger rows are kept for audit)',
    request: { params: IdParamSchema },
    responses: {
      204: { description: 'Deleted' },
      ...problemResponses,
      ...strategyNotFoundResponse,
    },
  }),
  enable: createRoute({
    method: 'post',
    path: '/{id}/enable',
    operationId: 'enableStrategy',
    tags,
    summary: 'Enable a strategy',
    request: { params: IdParamSchema },
    responses: {
      200: withStrategyTag(json(StrategySchema, 'The strategy')),
      ...problemResponses,
      ...strategyNotFoundResponse,
    },
  }),
  disable: createRoute({
    method: 'post',
    path: '/{id}/disable',
    operationId: 'disableStrategy',
    tags,
    summary: 'Disable a strategy',
    request: { params: IdParamSchema },
    responses: {
      200: withStrategyTag(json(StrategySchema, 'The strategy')),
      ...problemResponses,
      ...strategyNotFoundResponse,
    },
  }),
  run: createRoute({
    method: 'post',
    path: '/{id}/run',
    operationId: 'runStrategy',
    middleware: [emptyBodyIsNoBody],
    tags,
    summary:
      'Run one strategy now: its due occurrence, or a past occurrence to backfill (periodic)',
    description:
      'Synchronous, like one tick for this strategy: settles its pending and failed grants, then grants the occurrence. ' +
      'A periodic occurrence already done is never scanned again (its ledger rows may have been removed by retention): ' +
      'the run then only settles, or answers 409 `occurrence_done` when there is nothing to settle.',
    request: { params: IdParamSchema, ...body(RunBodySchema, runStrategyExamples, false) },
    responses: {
      200: json(RunResultSchema, 'What the run did'),
      ...problemResponses,
      ...strategyNotFoundResponse,
      ...runConflictResponse,
    },
  }),
  resolve: createRoute({
    method: 'post',
    path: '/{id}/executions/{execution_id}/resolve',
    operationId: 'resolveExecution',
    tags,
    summary: 'Resolve a grant whose outcome is unknown (or failed): mark it applied, or retry it',
    request: { params: ExecutionParamSchema, ...body(ResolveBodySchema, resolveExecutionExamples) },
    responses: {
      200: json(ExecutionSchema, 'The ledger row after resolution'),
      ...problemResponses,
      ...executionNotFoundResponse,
      ...resolveConflictResponse,
    },
  }),
};

const tagged = (strategy: Strategy) => ({ ETag: strategyETag(strategy) });

export function registerStrategyRoutes(deps: ApiDeps) {
  const optionalDate = (value?: string) => (value ? new Date(value) : undefined);
  return newRouter()
    .openapi(routes.create, async (c) => {
      const strategy = await actingApp(deps, c).createStrategy(
        strategyInputFromBody(c.req.valid('json')),
      );
      return c.json(strategyJson(strategy), 201, tagged(strategy));
    })
    .openapi(routes.list, async (c) => {
      const { type, enabled, ...paging } = c.req.valid('query');
      const page = await actingApp(deps, c).listStrategies({ type, enabled, ...pagingOf(paging) });
      return c.json(countedPageJson('strategies', page, strategyJson), 200);
    })
    .openapi(routes.scan, async (c) =>
      c.json(scanSummaryJson(await actingApp(deps, c).scanNow()), 200),
    )
    .openapi(routes.get, async (c) => {
      const strategy = await actingApp(deps, c).getStrategy(c.req.valid('param').id);
      return c.json(strategyJson(strategy), 200, tagged(strategy));
    })
    .openapi(routes.put, async (c) => {
      const input = strategyReplacementFromBody(c.req.valid('json'));
      const ifMatch = parseIfMatch(c.req.valid('header')['if-match']);
      const id = c.req.valid('param').id;
      const strategy = await actingApp(deps, c).replaceStrategy(id, input, ifMatch);
      return c.json(strategyJson(strategy), 200, tagged(strategy));
    })
    .openapi(routes.patch, async (c) => {
      const patch = strategyPatchFromBody(c.req.valid('json'));
      const ifMatch = parseIfMatch(c.req.valid('header')['if-match']);
      const id = c.req.valid('param').id;
      const strategy = await actingApp(deps, c).patchStrategy(id, patch, ifMatch);
      return c.json(strategyJson(strategy), 200, tagged(strategy));
    })
    .openapi(routes.delete, async (c) => {
      await actingApp(deps, c).deleteStrategy(c.req.valid('param').id);
      return c.body(null, 204);
    })
    .openapi(routes.enable, async (c) => {
      const strategy = await actingApp(deps, c).setStrategyEnabled(c.req.valid('param').id, true);
      return c.json(strategyJson(strategy), 200, tagged(strategy));
    })
    .openapi(routes.disable, async (c) => {
      const strategy = await actingApp(deps, c).setStrategyEnabled(c.req.valid('param').id, false);
      return c.json(strategyJson(strategy), 200, tagged(strategy));
    })
    .openapi(routes.run, async (c) => {
      const strategy = await actingApp(deps, c).getStrategy(c.req.valid('param').id);
      const requested = optionalDate((await readOptionalBody(c)).occurrence);
      return c.json(
        runResultJson(await actingApp(deps, c).runStrategyNow(strategy, requested)),
        200,
      );
    })
    .openapi(routes.resolve, async (c) => {
      const { id, execution_id: executionId } = c.req.valid('param');
      const { resolution } = c.req.valid('json');
      const entry = await actingApp(deps, c).resolveLedgerEntry(id, executionId, resolution);
      return c.json(ledgerEntryJson(entry), 200);
    });
}
