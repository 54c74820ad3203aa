// Ledger rows (the OpenAPI name `Execution` is part of the public contract) and resolutions.
import { z } from '@hono/zod-openapi';
import { LEDGER_STATUSES } from '../../core/model/ledger-entry.ts';
import { IdParamSchema, PaginationShape } from './common.ts';

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
  execution_id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'execution_id', in: 'path' }, example: 42 }),
});
