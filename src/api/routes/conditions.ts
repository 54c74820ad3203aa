// /api/v1/conditions — check a condition before saving it, and list the function registry.
import { createRoute } from '@hono/zod-openapi';
import { format, FUNCTION_REGISTRY, parse } from '../../condition/index.ts';
import { conditionFunctionJson } from '../../contract/serialize.ts';
import { body } from '../route-helpers.ts';
import { newRouter } from '../router.ts';
import {
  ConditionFunctionListSchema,
  ConditionValidateBodySchema,
  ConditionValidateResultSchema,
  problemResponses,
  validateConditionExamples,
} from '../../contract/schemas.ts';

export function registerConditionRoutes() {
  return newRouter()
    .openapi(
      createRoute({
        method: 'post',
        path: '/validate',
        operationId: 'validateCondition',
        tags: ['conditions'],
        summary: 'Validate a condition (200 whether valid or not)',
        request: body(ConditionValidateBodySchema, validateConditionExamples),
        responses: {
          200: {
            content: { 'application/json': { schema: ConditionValidateResultSchema } },
            description: 'The verdict',
          },
          ...problemResponses,
        },
      }),
      (c) => {
        const result = parse(c.req.valid('json').condition);
        if (result.ok) return c.json({ valid: true, canonical: format(result.ast) }, 200);
        // As the parser reports them: `expected` and `suggestion` included (docs/conditions.md).
        return c.json({ valid: false, errors: result.errors }, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/functions',
        operationId: 'listConditionFunctions',
        tags: ['conditions'],
        summary: 'The functions a condition may use',
        responses: {
          200: {
            content: {
              'application/json': {
                schema: ConditionFunctionListSchema,
              },
            },
            description: 'The registry',
          },
          ...problemResponses,
        },
      }),
      (c) =>
        c.json(
          {
            items: FUNCTION_REGISTRY.map(conditionFunctionJson),
          },
          200,
        ),
    );
}
