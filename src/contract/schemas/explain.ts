// Explain requests and responses: the verdict for one user and the evaluated condition tree.
import { z } from '@hono/zod-openapi';
import { EXPLAIN_VERDICTS } from '../../core/model/explanation.ts';
import { isoDateTime, nullableRef, text } from './common.ts';
import { ExecutionSchema } from './ledger.ts';

export const ExplainNodeSchema = z
  .object({
    text: z.string().openapi({ description: 'This node in canonical condition syntax' }),
    result: z.union([z.boolean(), z.literal('unknown')]).openapi({
      description: 'What this node evaluated to for the user (three-valued: true, false, unknown)',
    }),
    observed: z.record(z.string(), z.unknown()).openapi({
      description:
        'The user attributes this node read, with their values (e.g. {"vip": 1}; quota-le/ge: {"quota": 12}); empty for and/or/not and constants',
    }),
    children: z.array(z.unknown()).openapi({
      description: 'The operands of and/or/not, each a node of this same shape; empty for leaves',
    }),
  })
  .openapi('ExplainNode');

export const ExplainQuerySchema = z.strictObject({
  occurrence: z
    .union([isoDateTime, z.literal('next')])
    .optional()
    .openapi({
      description:
        'The occurrence to explain: an ISO fire time (past or future), `next`, or absent (the one due now)',
      example: 'next',
    }),
});

export const ExplainParamSchema = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' }, description: 'Strategy id', example: 1 }),
  user_id: z
    .string()
    .min(1)
    .max(200)
    .openapi({
      param: { name: 'user_id', in: 'path' },
      description: 'The user to explain',
      example: 'user001',
    }),
});

export const ExplanationSchema = z
  .object({
    verdict: z.enum(EXPLAIN_VERDICTS).openapi({
      description:
        'The first that applies, in this order: no_such_user, disabled, outside_window, occurrence_done, granted, pending, unknown_outcome, failed, condition_false, condition_unknown, capped, held_by_budget, would_grant',
    }),
    occurrence: z
      .string()
      .nullable()
      .openapi({ description: 'The occurrence explained (ISO or once); null when none is due' }),
    reasons: z.array(z.string()).openapi({ description: 'The verdict in words' }),
    condition: nullableRef(
      ExplainNodeSchema,
      'The evaluated condition tree (null only for no_such_user)',
    ),
    ledger: nullableRef(ExecutionSchema, "The user's ledger row for this occurrence, if any"),
    amount: z.number().nullable().openapi({
      description: 'What the user would receive (would_grant, held_by_budget); else null',
    }),
    lot_expires_at: z.string().nullable().openapi({
      description:
        'Credit lots (docs/expiry.md): when that grant would expire (UTC ISO 8601); null when it would not, or when nothing would be granted',
      example: null,
    }),
  })
  .openapi('Explanation');

export const ConditionExplainBodySchema = z
  .strictObject({
    condition: text()
      .max(1_000_000)
      .openapi({ description: 'Any condition', example: 'is-vip(2) and belong-to("acme")' }),
    user_id: z
      .string()
      .min(1)
      .max(200)
      .openapi({ description: 'The user to evaluate it for', example: 'user001' }),
  })
  .openapi('ConditionExplainRequest');

export const ConditionExplanationSchema = z
  .object({
    result: z
      .union([z.boolean(), z.literal('unknown')])
      .openapi({ description: 'The value of the whole condition for the user' }),
    condition: ExplainNodeSchema.openapi({ description: 'The evaluated tree' }),
  })
  .openapi('ConditionExplanation');
