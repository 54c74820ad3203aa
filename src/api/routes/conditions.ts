// /api/v1/conditions — check a condition before saving it, and list the function registry.
import { createRoute, z } from '@hono/zod-openapi';
import { format, FUNCTION_REGISTRY, parse } from '../../condition/index.ts';
import { body } from '../route-helpers.ts';
import { newRouter } from '../router.ts';
import {
  ConditionValidateBodySchema,
  ConditionValidateResultSchema,
  problemResponses,
  validateConditionExamples,
} from '../../contract/schemas.ts';

const FunctionSchema = z
  .object({
    name: z.string().openapi({ description: 'The function name', example: 'is-vip' }),
    signature: z.string().openapi({
      description: 'How it is called, with its parameters and their types',
      example: 'is-vip(level: integer)',
    }),
    description: z.string().openapi({ description: 'What it tests' }),
    example: z.string().openapi({ description: 'A condition using it', example: 'is-vip(2)' }),
    needs_gateway: z.boolean().openapi({
      description:
        'True when it reads the balance from the gateway (quota-le/ge): it cannot be pushed down to SQL',
      example: false,
    }),
  })
  .openapi('ConditionFunction');

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
                schema: z.object({
                  items: z
                    .array(FunctionSchema)
                    .openapi({ description: 'Every function, in the order of the registry' }),
                }),
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
            items: FUNCTION_REGISTRY.map((f) => ({
              name: f.name,
              signature: `${f.name}(${f.params.map((p) => `${p.name}: ${p.type}`).join(', ')}${f.variadic ? ', ...' : ''})`,
              description: f.description,
              example: f.example,
              needs_gateway: f.needsGateway,
            })),
          },
          200,
        ),
    );
}
