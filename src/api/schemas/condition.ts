// Condition validation requests and responses.
import { z } from '@hono/zod-openapi';
import { ProblemSchema } from './common.ts';

export const ConditionValidateBodySchema = z
  // A plain string: the parser reports NULs and unpaired surrogates with a line and column.
  .strictObject({ condition: z.string().max(1_000_000) })
  .openapi('ConditionValidateRequest');
export const ConditionValidateResultSchema = z
  .object({
    valid: z.boolean(),
    canonical: z.string().optional(),
    errors: ProblemSchema.shape.errors,
  })
  .openapi('ConditionValidateResult');
