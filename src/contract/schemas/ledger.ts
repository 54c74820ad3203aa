// Ledger rows (the OpenAPI name `Execution` is part of the public contract) and resolutions.
import { z } from '@hono/zod-openapi';
import { GRANT_MODES } from '../../core/grant-mode.ts';
import { LEDGER_STATUSES } from '../../core/model/ledger-entry.ts';
import { IdParamSchema, isoDateTime, pathId } from './common.ts';
import { cursorLimit, formerlyOffsetPaging, idCursor } from './cursor.ts';

export const ExecutionSchema = z
  .object({
    id: z.number().int().openapi({ description: 'Ledger row id (never reused)', example: 42 }),
    strategy_id: z.number().int().openapi({
      description: 'The strategy that granted it (the strategy may since have been deleted)',
      example: 1,
    }),
    user_id: z.string().openapi({ description: 'The user granted', example: 'user001' }),
    occurrence: z.string().openapi({
      description: '`once` for single strategies, else the cron fire time (UTC ISO 8601)',
      example: '2026-01-16T00:00:00.000Z',
    }),
    amount: z.number().openapi({ description: 'Quota granted', example: 50 }),
    status: z.enum(LEDGER_STATUSES).openapi({
      description:
        '`pending`: claimed, not yet sent; `applied`: the gateway took it; `failed`: retried by later scans; `unknown`: the outcome could not be known — an operator resolves it',
      example: 'applied',
    }),
    attempts: z.number().int().openapi({ description: 'Gateway calls made so far', example: 1 }),
    last_error: z.string().nullable().openapi({
      description: 'The last gateway error (null once applied)',
      example: null,
    }),
    catch_up: z.boolean().openapi({
      description: 'Granted late, by catch-up after missed runs',
      example: false,
    }),
    strategy_version: z.number().int().nullable().openapi({
      description:
        "The strategy's version when the row was claimed (null for rows older than versions)",
      example: 3,
    }),
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
    created_at: z.string().openapi({
      description: 'When the row was claimed (UTC ISO 8601)',
      example: '2026-01-16T00:00:01.250Z',
    }),
    updated_at: z.string().openapi({
      description: 'When its status last changed',
      example: '2026-01-16T00:00:01.400Z',
    }),
  })
  .openapi('Execution');

/** The query of a ledger list; `list` names its cursors, which no other list accepts. */
const ledgerListQuery = (list: 'strategy-executions' | 'lot-expiries') =>
  z.strictObject({
    user_id: z
      .string()
      .optional()
      .openapi({ description: "Only this user's rows", example: 'user001' }),
    status: z
      .enum(LEDGER_STATUSES)
      .optional()
      .openapi({ description: 'Only rows in this status', example: 'unknown' }),
    ...formerlyOffsetPaging(list),
  });

/** GET /api/v1/strategies/{id}/executions. */
export const ExecutionListQuerySchema = ledgerListQuery('strategy-executions');
/** GET /api/v1/lots/expiries: the expiries' rows, a list of their own. */
export const ExpiryListQuerySchema = ledgerListQuery('lot-expiries');

export const ResolveBodySchema = z
  .strictObject({
    resolution: z.enum(['applied', 'retry']).openapi({
      description:
        'applied: the gateway is known to have taken the grant; retry: send it again (same idempotency key) on the next scan',
      example: 'applied',
    }),
  })
  .openapi('ResolveRequest', {
    description:
      'applied: the grant is known to have arrived; retry: send it again (same idempotency key) on the next scan',
  });
export const ExecutionParamSchema = IdParamSchema.extend({
  execution_id: pathId('execution_id', 1, 'Ledger row id (the `id` of an Execution)'),
});

/** GET /api/v1/grants: the whole ledger, filtered, newest first. */
export const GrantQuerySchema = z.strictObject({
  strategy_id: z.coerce.number().int().positive().optional().openapi({
    description: 'Only this strategy (deleted strategies included)',
    example: 1,
  }),
  user_id: z.string().min(1).max(128).optional().openapi({
    description: 'Only this user',
    example: 'user001',
  }),
  status: z.enum(LEDGER_STATUSES).optional().openapi({
    description: 'Only rows in this status',
    example: 'unknown',
  }),
  occurrence: z.string().min(1).max(64).optional().openapi({
    description: '`once`, or a periodic fire time exactly as the ledger shows it',
    example: '2026-01-16T00:00:00.000Z',
  }),
  from: isoDateTime.optional().openapi({
    description: 'Rows created at or after this instant',
    example: '2026-01-01T00:00:00Z',
  }),
  to: isoDateTime.optional().openapi({
    description: 'Rows created before this instant',
    example: '2026-02-01T00:00:00Z',
  }),
  cursor: idCursor('grants'),
  limit: cursorLimit,
});
