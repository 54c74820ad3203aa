// Preview, held-occurrence and approval requests and responses.
import { z } from '@hono/zod-openapi';
import { isoDateTime, nullableRef } from './common.ts';
import { textCursor } from './cursor.ts';

export const HeldSchema = z
  .object({
    occurrence: z.string().openapi({ description: 'The held occurrence (ISO fire time or once)' }),
    needed_users: z.number().int().openapi({
      description: 'Users the occurrence would grant in total, already granted included',
    }),
    needed_amount: z.number().openapi({
      description: 'Amount the occurrence would grant in total, already granted included',
    }),
    max_users_per_occurrence: z.number().int().nullable().openapi({
      description: 'The user cap in force (the strategy’s, or the configured default); null: none',
    }),
    max_amount_per_occurrence: z
      .number()
      .nullable()
      .openapi({ description: 'The amount cap in force; null: none' }),
  })
  .openapi('HeldOccurrence', {
    description:
      'The occurrence is held by a budget cap: nothing is granted for it until the cap is raised (PATCH) or the occurrence approved',
  });

export const PreviewBodySchema = z
  .strictObject({
    occurrence: z
      .union([isoDateTime, z.literal('next')])
      .optional()
      .openapi({
        description:
          'The occurrence to preview: an ISO fire time (past or future), `next` (the next one to come; `once` for a single strategy), or absent (the one due now)',
        example: 'next',
      }),
  })
  .openapi('PreviewRequest');

export const PreviewSchema = z
  .object({
    occurrence: z
      .string()
      .nullable()
      .openapi({ description: 'The previewed occurrence (ISO or once); null when none is due' }),
    occurrence_done: z.boolean().openapi({
      description:
        'The occurrence is already done: a run would answer 409 occurrence_done and grant nobody',
    }),
    matched: z.number().int().openapi({
      description:
        'Users the condition selects now, granted already or not (already_granted + capped + would_grant + held_by_budget)',
    }),
    already_granted: z
      .number()
      .int()
      .openapi({ description: 'Users with a ledger row for this occurrence (any status)' }),
    capped: z
      .number()
      .int()
      .openapi({ description: 'Users left out because they reached max_exec_per_user' }),
    held_by_budget: z.number().int().openapi({
      description:
        'While the occurrence is held by a budget cap: every user it would grant (would_grant is then 0)',
    }),
    would_grant: z.number().int().openapi({ description: 'Users a run would grant now' }),
    total_amount: z.number().openapi({
      description:
        'What those grants add up to. add: amount × would_grant. top_up and reset: the sum of the balance changes read live from the gateway now (amounts_from: live_balance)',
    }),
    held: nullableRef(
      HeldSchema,
      'Non-null when a budget cap holds (or would hold) the occurrence',
    ),
    sample_user_ids: z
      .array(z.string())
      .openapi({ description: 'Up to 20 of the users a run would grant (or an approval would)' }),
    amounts_from: z.enum(['strategy_amount', 'live_balance']).openapi({
      description:
        "live_balance: total_amount and sample_changes come from each matched user's balance read from the gateway for this preview (top_up, reset); a run reads it again just before sending",
    }),
    sample_changes: z
      .array(
        z.object({
          user_id: z.string().openapi({ description: 'A matched user', example: 'user001' }),
          balance: z.number().nullable().openapi({
            description: "The user's balance read from the gateway now (null: could not be read)",
            example: 12,
          }),
          change: z.number().openapi({
            description:
              'What a grant would change now: the top-up delta (0 at or above the target), or target − balance for a reset',
          }),
        }),
      )
      .nullable()
      .openapi({ description: 'With live balances: the first matched users; null for add' }),
    balance_unread: z.number().int().openapi({
      description:
        'With live balances: matched users whose balance could not be read (not in total_amount)',
    }),
    balance_not_read: z.number().int().openapi({
      description:
        'With live balances: matched users whose balance was not read because the preview reached SCAN_PREVIEW_MAX_BALANCE_READS (not in total_amount, which then covers only the users read). 0: every balance was read or tried',
    }),
    lot_expires_at: z.string().nullable().openapi({
      description:
        'Credit lots (docs/expiry.md): when a grant for this occurrence would expire (UTC ISO 8601; for a single strategy with expires_after, counted from now); null when its grants do not expire',
      example: '2027-01-01T00:00:00.000Z',
    }),
  })
  .openapi('Preview');

export const PreviewUsersQuerySchema = z.strictObject({
  occurrence: z
    .union([isoDateTime, z.literal('next')])
    .optional()
    .openapi({
      description: 'As in the preview: an ISO fire time, `next`, or absent (the one due now)',
      example: 'next',
    }),
  cursor: textCursor('preview-users'),
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(100)
    .openapi({ description: 'Users per page (JSON only; CSV streams them all)' }),
});

export const PreviewUserSchema = z
  .object({
    user_id: z.string().openapi({ description: 'A user the occurrence would grant' }),
    amount: z.number().nullable().openapi({
      description:
        'What this user would receive; null for top_up and reset when the balance was not read (the gateway failed, or SCAN_PREVIEW_MAX_BALANCE_READS was reached)',
    }),
  })
  .openapi('PreviewUser');

export const PreviewUsersPageSchema = z
  .object({
    occurrence: z.string().nullable().openapi({ description: 'The previewed occurrence' }),
    items: z.array(PreviewUserSchema).openapi({ description: 'Users, by id' }),
    next_cursor: z
      .string()
      .nullable()
      .openapi({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  })
  .openapi('PreviewUsersPage');

export const OccurrenceParamSchema = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' }, description: 'Strategy id', example: 1 }),
  occurrence: z
    .string()
    .min(1)
    .max(64)
    .openapi({
      param: { name: 'occurrence', in: 'path' },
      description: 'The held occurrence: its ISO fire time, or `once` for a single strategy',
      example: 'once',
    }),
});
