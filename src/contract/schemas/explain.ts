// Explain requests and responses: the verdict for one user and the evaluated condition tree.
import { z } from '@hono/zod-openapi';
import { EXPLAIN_DECISIONS, EXPLAIN_VERDICTS } from '../../core/model/explanation.ts';
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
        "The first that applies, in this order: no_such_user; the user's own outcome (granted, pending, unknown_outcome, failed); the strategy's state (disabled, not_due_yet, outside_window, occurrence_done); the decision (condition_false, condition_unknown, capped, held_by_budget, would_grant). `reasons`, `decision` and `strategy_state` give the rest",
    }),
    occurrence: z
      .string()
      .nullable()
      .openapi({ description: 'The occurrence explained (ISO or once); null when none is due' }),
    reasons: z.array(z.string()).openapi({
      description: 'Every reason that applies, in words, the verdict first',
    }),
    summary: z.string().openapi({
      description:
        'One sentence: the verdict and what decided it, naming the decisive condition node in words for condition_false/condition_unknown',
      example:
        'Not granted: the user registered on 2025-03-02, after 2025-01-01 (register-before).',
    }),
    decisive_nodes: z.array(z.array(z.number().int().nonnegative())).openapi({
      description:
        'The condition nodes the summary names, each as the child indexes from the root of `condition` ([] is the root); empty when the summary names none',
      example: [[1]],
    }),
    condition: nullableRef(
      ExplainNodeSchema,
      'The evaluated condition tree (null only for no_such_user)',
    ),
    ledger: nullableRef(ExecutionSchema, "The user's ledger row for this occurrence, if any"),
    decision: z.enum(EXPLAIN_DECISIONS).nullable().openapi({
      description:
        'What a run would decide for the user, even while the strategy is disabled or outside its window; null when the user already has a ledger row for the occurrence or none is due',
      example: 'would_grant',
    }),
    amount: z.number().nullable().openapi({
      description:
        'What the user would receive when the decision is would_grant or held_by_budget (whether or not the strategy is enabled); else null',
      example: 5,
    }),
    strategy_state: z
      .object({
        enabled: z
          .boolean()
          .openapi({ description: 'Whether the strategy is enabled', example: false }),
        outside_window: z.boolean().openapi({
          description: 'The occurrence lies outside start_at/end_at',
          example: false,
        }),
        occurrence_done: z.boolean().openapi({
          description: 'The occurrence is closed for good (done, or a hold ended without a grant)',
          example: false,
        }),
        next_occurrence: z.string().nullable().openapi({
          description: "A periodic strategy's next fire time within its window; null otherwise",
          example: '2026-01-16T00:00:00.000Z',
        }),
      })
      .openapi({ description: "The strategy's state, each fact on its own" }),
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
