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
