// Condition validation requests and responses.
import { z } from '@hono/zod-openapi';
import { ProblemSchema, text } from './common.ts';

export const ConditionValidateBodySchema = z
  .strictObject({ condition: text().max(1_000_000) })
  .openapi('ConditionValidateRequest');
export const ConditionValidateResultSchema = z
  .object({
    valid: z.boolean(),
    canonical: z.string().optional(),
    errors: ProblemSchema.shape.errors,
  })
  .openapi('ConditionValidateResult');
