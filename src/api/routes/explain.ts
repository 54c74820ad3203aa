// Explain: why one user gets a strategy's grant or not (/api/v1/strategies/:id/explain/:user_id),
// and any condition evaluated for one user (/api/v1/conditions/explain).
import { createRoute } from '@hono/zod-openapi';
import { actingApp, type ApiDeps } from '../deps.ts';
import { body } from '../route-helpers.ts';
import { newRouter } from '../router.ts';
import {
  ConditionExplainBodySchema,
  ConditionExplanationSchema,
  ExplainParamSchema,
  ExplainQuerySchema,
  ExplanationSchema,
  problemResponses,
  strategyNotFoundResponse,
  userNotFoundResponse,
  explainConditionExamples,
} from '../../contract/schemas.ts';
import { explainNodeJson, explanationJson } from '../../contract/serialize-explain.ts';

const strategyExplain = createRoute({
  method: 'get',
  path: '/{id}/explain/{user_id}',
  operationId: 'explainStrategyUser',
  tags: ['strategies'],
  summary: 'Why a user gets (or does not get) this strategy’s grant for an occurrence',
  description:
    'The verdict is the first that applies, in the documented order; the condition tree is evaluated whatever the verdict ' +
    '(except no_such_user), each node with the user attributes it read. Read only (quota-le/ge read the gateway).',
  request: { params: ExplainParamSchema, query: ExplainQuerySchema },
  responses: {
    200: {
      content: { 'application/json': { schema: ExplanationSchema } },
      description: 'The explanation',
    },
    ...problemResponses,
    ...strategyNotFoundResponse,
  },
});

const conditionExplain = createRoute({
  method: 'post',
  path: '/explain',
  operationId: 'explainCondition',
  tags: ['conditions'],
  summary: 'Evaluate any condition for one user, as a tree of nodes',
  request: body(ConditionExplainBodySchema, explainConditionExamples),
  responses: {
    200: {
      content: { 'application/json': { schema: ConditionExplanationSchema } },
      description: 'The evaluated tree',
    },
    ...problemResponses,
    ...userNotFoundResponse,
  },
});

export function registerStrategyExplainRoutes(deps: ApiDeps) {
  const { app } = deps;
  return newRouter().openapi(strategyExplain, async (c) => {
    const { id, user_id: userId } = c.req.valid('param');
    const { occurrence } = c.req.valid('query');
    const strategy = await app.getStrategy(id);
    const target =
      occurrence === undefined ? undefined : occurrence === 'next' ? 'next' : new Date(occurrence);
    return c.json(
      explanationJson(await actingApp(deps, c).explainUser(strategy, userId, target)),
      200,
    );
  });
}

export function registerConditionExplainRoutes(deps: ApiDeps) {
  return newRouter().openapi(conditionExplain, async (c) => {
    const { condition, user_id: userId } = c.req.valid('json');
    const tree = explainNodeJson(await actingApp(deps, c).explainCondition(condition, userId));
    return c.json({ result: tree.result, condition: tree }, 200);
  });
}
