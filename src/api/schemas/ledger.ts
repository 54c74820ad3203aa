// Ledger rows (the OpenAPI name `Execution` is part of the public contract) and resolutions.
import { z } from '@hono/zod-openapi';
import { GRANT_MODES } from '../../core/grant-mode.ts';
import { LEDGER_STATUSES } from '../../core/model/ledger-entry.ts';
import { IdParamSchema, PaginationShape, pathId } from './common.ts';

export const ExecutionSchema = z
  .object({
    id: z.number().int(),
    strategy_id: z.number().int(),
    user_id: z.string(),
    occurrence: z.string(),
    amount: z.number(),
    status: z.enum(LEDGER_STATUSES),
    attempts: z.number().int(),
    last_error: z.string().nullable(),
    catch_up: z.boolean(),
    mode: z
      .enum(GRANT_MODES)
      .openapi({ description: "The strategy's grant mode when the grant was claimed" }),
    balance_before: z.number().nullable().openapi({
      description:
        'The balance read just before sending (top_up, reset; the latest attempt); null for add',
    }),
    delta_sent: z.number().nullable().openapi({
      description:
        'How much the grant changed the balance: the delta sent (0 when a top-up found the balance at its target: applied without a call), or for a reset the new balance minus balance_before. Null until sent, and on rows from before grant modes (their amount was the delta).',
    }),
    target: z.number().nullable().openapi({
      description: 'The target balance of a top_up or reset grant; null for add',
    }),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Execution');

export const ExecutionListQuerySchema = z.strictObject({
  user_id: z.string().optional(),
  status: z.enum(LEDGER_STATUSES).optional(),
  ...PaginationShape,
});

export const ResolveBodySchema = z
  .strictObject({ resolution: z.enum(['applied', 'retry']) })
  .openapi('ResolveRequest', {
    description:
      'applied: the grant is known to have arrived; retry: send it again (same idempotency key) on the next scan',
  });
export const ExecutionParamSchema = IdParamSchema.extend({
  execution_id: pathId('execution_id', 42),
});
