// /api/v1/strategies — strategy CRUD, runs, previews and the ledger of each strategy.
import { createRoute, z } from '@hono/zod-openapi';
import { assertValidStrategy, type Strategy, type StrategyFields } from '../../core/strategy.ts';
import { newRouter } from '../app.ts';
import { emptyBodyIsNoBody } from '../empty-body-is-no-body.ts';
import type { ApiDeps } from '../deps.ts';
import {
  duplicateNameResponse,
  ExecutionListQuerySchema,
  executionNotFoundResponse,
  ExecutionSchema,
  IdParamSchema,
  listOf,
  PreviewSchema,
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
  StrategySchema,
  strategyFieldsFromInput,
} from '../schemas.ts';
import { executionJson, strategyJson } from '../serialize.ts';

type StrategyPatch = z.infer<typeof StrategyPatchSchema>;

const json = <T extends z.ZodTypeAny>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});
const body = <T extends z.ZodTypeAny>(schema: T, required = true) => ({
  body: { content: { 'application/json': { schema } }, required },
});
const tags = ['strategies'];

function applyPatch(current: Strategy, patch: StrategyPatch): StrategyFields {
  const pick = <K extends keyof StrategyPatch, V>(
    key: K,
    fallback: V,
    map: (v: NonNullable<StrategyPatch[K]>) => V,
  ): V => {
    if (!(key in patch)) return fallback;
    const value = patch[key];
    return (
      value === null || value === undefined ? null : map(value as NonNullable<StrategyPatch[K]>)
    ) as V;
  };
  return {
    name: patch.name ?? current.name,
    title: patch.title ?? current.title,
    type: patch.type ?? current.type,
    amount: patch.amount ?? current.amount,
    model: pick('model', current.model, (v) => v),
    periodicExpr: pick('periodic_expr', current.periodicExpr, (v) => v),
    timezone: patch.timezone ?? current.timezone,
    condition: patch.condition ?? current.condition,
    enabled: patch.enabled ?? current.enabled,
    maxExecPerUser: patch.max_exec_per_user ?? current.maxExecPerUser,
    missedRuns: patch.missed_runs ?? current.missedRuns,
    maxCatchUp: patch.max_catch_up ?? current.maxCatchUp,
    startAt: pick('start_at', current.startAt, (v) => new Date(v)),
    endAt: pick('end_at', current.endAt, (v) => new Date(v)),
  };
}

const routes = {
  create: createRoute({
    method: 'post',
    path: '/',
    tags,
    summary: 'Create a strategy',
    request: body(StrategyCreateSchema),
    responses: {
      201: json(StrategySchema, 'The created strategy'),
      ...problemResponses,
      ...duplicateNameResponse,
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/',
    tags,
    summary: 'List strategies',
    request: { query: StrategyListQuerySchema },
    responses: { 200: json(listOf(StrategySchema), 'A page of strategies'), ...problemResponses },
  }),
  scan: createRoute({
    method: 'post',
    path: '/scan',
    tags,
    summary: 'Run a scan of every enabled strategy now (synchronous)',
    responses: { 200: json(ScanSummarySchema, 'What the scan did'), ...problemResponses },
  }),
  get: createRoute({
    method: 'get',
    path: '/{id}',
    tags,
    summary: 'Get a strategy',
    request: { params: IdParamSchema },
    responses: {
      200: json(StrategySchema, 'The strategy'),
      ...problemResponses,
      ...strategyNotFoundResponse,
    },
  }),
  put: createRoute({
    method: 'put',
    path: '/{id}',
    tags,
    summary: 'Replace a strategy',
    request: { params: IdParamSchema, ...body(StrategyCreateSchema) },
    responses: {
      200: json(StrategySchema, 'The updated strategy'),
      ...problemResponses,
      ...strategyNotFoundResponse,
      ...duplicateNameResponse,
    },
  }),
  patch: createRoute({
    method: 'patch',
    path: '/{id}',
    tags,
    summary: 'Change some fields of a strategy',
    request: { params: IdParamSchema, ...body(StrategyPatchSchema) },
    responses: {
      200: json(StrategySchema, 'The updated strategy'),
      ...problemResponses,
      ...strategyNotFoundResponse,
      ...duplicateNameResponse,
    },
  }),
  delete: createRoute({
    method: 'delete',
    path: '/{id}',
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
    tags,
    summary: 'Enable a strategy',
    request: { params: IdParamSchema },
    responses: {
      200: json(StrategySchema, 'The strategy'),
      ...problemResponses,
      ...strategyNotFoundResponse,
    },
  }),
  disable: createRoute({
    method: 'post',
    path: '/{id}/disable',
    tags,
    summary: 'Disable a strategy',
    request: { params: IdParamSchema },
    responses: {
      200: json(StrategySchema, 'The strategy'),
      ...problemResponses,
      ...strategyNotFoundResponse,
    },
  }),
  run: createRoute({
    method: 'post',
    path: '/{id}/run',
    middleware: [emptyBodyIsNoBody],
    tags,
    summary:
      'Run one strategy now: its due occurrence, or a past occurrence to backfill (periodic)',
    description:
      'Synchronous, like one tick for this strategy: settles its pending and failed grants, then grants the occurrence. ' +
      'A periodic occurrence already done is never scanned again (its ledger rows may have been removed by retention): ' +
      'the run then only settles, or answers 409 `occurrence_done` when there is nothing to settle.',
    request: { params: IdParamSchema, ...body(RunBodySchema, false) },
    responses: {
      200: json(RunResultSchema, 'What the run did'),
      ...problemResponses,
      ...strategyNotFoundResponse,
      ...runConflictResponse,
    },
  }),
  preview: createRoute({
    method: 'post',
    path: '/{id}/preview',
    middleware: [emptyBodyIsNoBody],
    tags,
    summary: 'Dry run: who would be granted now (no side effects)',
    request: { params: IdParamSchema, ...body(RunBodySchema, false) },
    responses: {
      200: json(PreviewSchema, 'The preview'),
      ...problemResponses,
      ...strategyNotFoundResponse,
    },
  }),
  executions: createRoute({
    method: 'get',
    path: '/{id}/executions',
    tags,
    summary: "The strategy's grant ledger",
    request: { params: IdParamSchema, query: ExecutionListQuerySchema },
    responses: {
      200: json(listOf(ExecutionSchema), 'A page of ledger rows'),
      ...problemResponses,
      ...strategyNotFoundResponse,
    },
  }),
  resolve: createRoute({
    method: 'post',
    path: '/{id}/executions/{execution_id}/resolve',
    tags,
    summary: 'Resolve a grant whose outcome is unknown (or failed): mark it applied, or retry it',
    request: { params: ExecutionParamSchema, ...body(ResolveBodySchema) },
    responses: {
      200: json(ExecutionSchema, 'The ledger row after resolution'),
      ...problemResponses,
      ...executionNotFoundResponse,
      ...resolveConflictResponse,
    },
  }),
};

export function registerStrategyRoutes(deps: ApiDeps) {
  const { strategies, scanner } = deps;
  const optionalDate = (value?: string) => (value ? new Date(value) : undefined);
  return newRouter()
    .openapi(routes.create, async (c) => {
      const fields = assertValidStrategy(
        strategyFieldsFromInput(c.req.valid('json'), deps.defaultTimeZone),
      );
      return c.json(strategyJson(await strategies.create(fields, deps.clock.now())), 201);
    })
    .openapi(routes.list, async (c) => {
      const query = c.req.valid('query');
      const page = await strategies.list(query);
      return c.json({ items: page.items.map(strategyJson), total: page.total }, 200);
    })
    .openapi(routes.scan, async (c) => c.json(await scanner.scanNow(), 200))
    .openapi(routes.get, async (c) =>
      c.json(strategyJson(await strategies.get(c.req.valid('param').id)), 200),
    )
    .openapi(routes.put, async (c) => {
      const { id } = c.req.valid('param');
      const input = strategyFieldsFromInput(c.req.valid('json'), deps.defaultTimeZone);
      await strategies.get(id);
      const fields = assertValidStrategy(input);
      return c.json(strategyJson(await strategies.update(id, fields)), 200);
    })
    .openapi(routes.patch, async (c) => {
      const { id } = c.req.valid('param');
      const fields = assertValidStrategy(applyPatch(await strategies.get(id), c.req.valid('json')));
      return c.json(strategyJson(await strategies.update(id, fields)), 200);
    })
    .openapi(routes.delete, async (c) => {
      await strategies.delete(c.req.valid('param').id);
      return c.body(null, 204);
    })
    .openapi(routes.enable, async (c) =>
      c.json(strategyJson(await strategies.setEnabled(c.req.valid('param').id, true)), 200),
    )
    .openapi(routes.disable, async (c) =>
      c.json(strategyJson(await strategies.setEnabled(c.req.valid('param').id, false)), 200),
    )
    .openapi(routes.run, async (c) => {
      const strategy = await strategies.get(c.req.valid('param').id);
      const requested = optionalDate((await readOptionalBody(c)).occurrence);
      if (!strategy.enabled) {
        return c.json(
          {
            strategies: 0,
            matched: 0,
            granted: 0,
            skipped: 0,
            failed: 0,
            duration_ms: 0,
            occurrence: null,
          },
          200,
        );
      }
      return c.json(await scanner.runNow(strategy, requested), 200);
    })
    .openapi(routes.preview, async (c) => {
      const strategy = await strategies.get(c.req.valid('param').id);
      const requested = optionalDate((await readOptionalBody(c)).occurrence);
      return c.json(await scanner.preview(strategy, requested), 200);
    })
    .openapi(routes.resolve, async (c) => {
      const { id, execution_id: executionId } = c.req.valid('param');
      const row = await deps.executions.resolve(
        id,
        executionId,
        c.req.valid('json').resolution,
        deps.clock.now(),
      );
      deps.logger.info('grant resolved by operator', {
        strategy_id: id,
        execution_id: executionId,
        status: row.status,
      });
      return c.json(executionJson(row), 200);
    })
    .openapi(routes.executions, async (c) => {
      const { id } = c.req.valid('param');
      await strategies.get(id);
      const { user_id: userId, status, limit, offset } = c.req.valid('query');
      const page = await deps.executions.list({ strategyId: id, userId, status, limit, offset });
      return c.json({ items: page.items.map(executionJson), total: page.total }, 200);
    });
}

/** The run/preview body is optional; when present it has already been validated. */
async function readOptionalBody(c: {
  req: { valid(target: 'json'): unknown };
}): Promise<{ occurrence?: string }> {
  try {
    return (c.req.valid('json') as { occurrence?: string } | undefined) ?? {};
  } catch {
    return {};
  }
}
