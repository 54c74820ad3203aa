// Condition validation requests and responses.
import { z } from '@hono/zod-openapi';
import { ProblemSchema } from './common.ts';

export const ConditionValidateBodySchema = z
  // A plain string: the parser reports NULs and unpaired surrogates with a line and column.
  .strictObject({
    condition: z.string().max(1_000_000).openapi({
      description: 'The condition to check (docs/conditions.md)',
      example: 'is-vip(2) and belong-to("acme")',
    }),
  })
  .openapi('ConditionValidateRequest');
export const ConditionValidateResultSchema = z
  .object({
    valid: z
      .boolean()
      .openapi({ description: 'Whether the condition parses and checks', example: true }),
    canonical: z.string().optional().openapi({
      description: 'When valid: the condition in canonical form (as a strategy stores it)',
      example: 'is-vip(2) and belong-to("acme")',
    }),
    errors: ProblemSchema.shape.errors.openapi({
      description: 'When not valid: each error with its line, column, length and message',
    }),
  })
  .openapi('ConditionValidateResult');

export const ConditionFunctionSchema = z
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

/** GET /api/v1/conditions/functions. */
export const ConditionFunctionListSchema = z.object({
  items: z
    .array(ConditionFunctionSchema)
    .openapi({ description: 'Every function, in the order of the registry' }),
});
