// Strategy requests and responses, and the conversion of a validated body to the core's input.
import { z } from '@hono/zod-openapi';
import { GRANT_MODES } from '../../core/grant-mode.ts';
import type {
  StrategyInput,
  StrategyPatch,
  StrategyReplacement,
} from '../../core/model/strategy.ts';
import { isWholeCents } from '../../core/storable-values.ts';
import { booleanQuery, isoDateTime, PaginationShape, text } from './common.ts';
import { CapAmount, LotFieldsShape, lotPatchFromBody, LotResponseShape } from './lot-fields.ts';

/**
 * Amount: 0 or at least 0.01, a whole number of cents (decided on its decimal form, not with a
 * float tolerance: see isWholeCents), below the Decimal(14,2) column's limit. (`nonnegative()`
 * alone would let 5e-324 through and store it as 0.00; isWholeCents refuses it.) 0 is only meaningful for top_up and
 * reset; the core refuses it for add (strategy-rules.ts).
 */
const Amount = z
  .number()
  .min(0, { error: 'must be at least 0 (and at least 0.01 in add mode)' })
  .max(999_999_999_999)
  .refine(isWholeCents, {
    error: 'at most two decimals: a whole number of cents',
    params: { code: 'amount_precision' },
  });

const Mode = z.enum(GRANT_MODES).openapi({
  description:
    'How a grant changes the balance. add (default): adds amount. top_up: amount is a target ' +
    'balance; each user gets max(0, amount − balance), read from the gateway just before sending. ' +
    'reset: sets the balance to amount (0 drains it) with the gateway refresh call. See ' +
    'AIGATEWAY_BALANCE for how the gateway keeps a balance.',
  example: 'top_up',
});

/** What each strategy field means: one text for requests and responses (docs/strategies.md). */
const FIELD = {
  name: 'Unique, stable handle (the CLI names strategies by it); a duplicate answers 409 conflict',
  title: 'Human description shown in lists',
  type: '`single` grants each matching user once (occurrence `once`); `periodic` once per cron fire time',
  model: "The gateway model the quota is for (null: the gateway's default)",
  periodic_expr:
    'Cron expression (5 or 6 fields), evaluated in `timezone`: required for periodic, refused for single',
  timezone: 'IANA zone of periodic_expr and of dates in the condition (default: QM_TIMEZONE)',
  condition:
    'Who qualifies, in the condition language (docs/conditions.md); checked on save (400 invalid_condition with line and column)',
  enabled:
    'Disabled strategies are never scanned and a run answers 409 strategy_disabled (a preview always works). Created disabled unless true',
  max_exec_per_user: 'At most this many grants per user over the strategy’s life (0: no cap)',
  max_catch_up: 'The most missed occurrences catch_up grants at once (default 10)',
  start_at: 'No occurrence before this instant (ISO 8601; null: no start)',
  end_at: 'No occurrence after this instant (ISO 8601; null: no end)',
} as const;

const StrategyFieldsShape = {
  name: text()
    .trim()
    .min(1)
    .max(100)
    .openapi({ description: FIELD.name, example: 'daily-star-reward' }),
  title: text()
    .trim()
    .min(1)
    .max(200)
    .openapi({ description: FIELD.title, example: 'Daily reward for stargazers' }),
  type: z.enum(['single', 'periodic']).openapi({ description: FIELD.type, example: 'periodic' }),
  mode: Mode.optional(),
  amount: Amount.openapi({
    example: 5,
    description:
      'add: the amount added (> 0); top_up: the target balance (≥ 0); reset: the new balance (≥ 0; 0 drains)',
  }),
  model: text()
    .trim()
    .min(1)
    .max(200)
    .nullable()
    .optional()
    .openapi({ description: FIELD.model, example: null }),
  periodic_expr: text()
    .trim()
    .min(1)
    .max(200)
    .nullable()
    .optional()
    .openapi({ description: FIELD.periodic_expr, example: '0 8 * * *' }),
  timezone: text()
    .min(1)
    .max(64)
    .optional()
    .openapi({ description: FIELD.timezone, example: 'Asia/Shanghai' }),
  // A plain string: the parser reports NULs and unpaired surrogates with a line and column.
  condition: z
    .string()
    .max(10_000)
    .openapi({ description: FIELD.condition, example: 'github-star("zgsm-ai/zgsm")' }),
  enabled: z.boolean().optional().openapi({ description: FIELD.enabled, example: false }),
  max_exec_per_user: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .optional()
    .openapi({ description: FIELD.max_exec_per_user, example: 0 }),
  missed_runs: z.enum(['skip', 'catch_up']).optional().openapi({
    description:
      'skip (default): only the latest missed occurrence is granted; catch_up: every missed one, up to max_catch_up',
  }),
  max_catch_up: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .optional()
    .openapi({ description: FIELD.max_catch_up, example: 10 }),
  start_at: isoDateTime
    .nullable()
    .optional()
    .openapi({ description: FIELD.start_at, example: '2026-02-01T00:00:00+08:00' }),
  end_at: isoDateTime.nullable().optional().openapi({ description: FIELD.end_at, example: null }),
  max_users_per_occurrence: z
    .number()
    .int()
    .min(1)
    .max(1_000_000_000)
    .nullable()
    .optional()
    .openapi({
      description:
        'Budget cap: an occurrence that would grant more users than this in total (already granted included) is held — nothing granted — until the cap is raised or the occurrence approved. Unset: the configured default (scan.max_users_per_occurrence), if any',
      example: 1000,
    }),
  max_amount_per_occurrence: CapAmount.nullable().optional().openapi({
    description:
      'Budget cap: an occurrence that would grant more than this amount in total (already granted included) is held until the cap is raised or the occurrence approved. Unset: no amount cap',
    example: 5000,
  }),
  ...LotFieldsShape,
};

export const StrategyCreateSchema = z.strictObject(StrategyFieldsShape).openapi('StrategyInput');
type StrategyBody = Partial<z.infer<typeof StrategyCreateSchema>>;

/**
 * PUT replaces the whole strategy, and the create default of `enabled` is false: a PUT of an
 * edited body without it would stop a running strategy without a word. So a replacement must
 * say it (a missing `enabled` is a 400 like any missing required field); PATCH keeps it as is.
 */
// A whole object, not `StrategyCreateSchema.extend(...)`: the generator writes an extension
// as allOf [StrategyInput, {enabled} with additionalProperties false], which no body passes.
export const StrategyReplaceSchema = z
  .strictObject({
    ...StrategyFieldsShape,
    enabled: z
      .boolean({
        error: (issue) =>
          issue.input === undefined
            ? 'required in a PUT, which replaces the whole strategy: send the current value (true keeps it running), or change fields with PATCH'
            : 'must be true or false',
      })
      .openapi({
        description: `${FIELD.enabled}. Required in a PUT: a replacement states whether the strategy runs`,
        example: true,
      }),
  })
  .openapi('StrategyReplace');

/**
 * A validated body (snake_case, ISO strings) → the core's input. Only the keys the body has are
 * set, so the same conversion serves a create (defaults are the core's) and a patch (absent
 * keys keep their value, null clears).
 */
export function strategyPatchFromBody(body: StrategyBody): StrategyPatch {
  const patch: StrategyPatch = {};
  const date = (value: string | null | undefined) => (value ? new Date(value) : null);
  if (body.name !== undefined) patch.name = body.name;
  if (body.title !== undefined) patch.title = body.title;
  if (body.type !== undefined) patch.type = body.type;
  if (body.mode !== undefined) patch.mode = body.mode;
  if (body.amount !== undefined) patch.amount = body.amount;
  if ('model' in body) patch.model = body.model ?? null;
  if ('periodic_expr' in body) patch.periodicExpr = body.periodic_expr ?? null;
  if (body.timezone !== undefined) patch.timezone = body.timezone;
  if (body.condition !== undefined) patch.condition = body.condition;
  if (body.enabled !== undefined) patch.enabled = body.enabled;
  if (body.max_exec_per_user !== undefined) patch.maxExecPerUser = body.max_exec_per_user;
  if (body.missed_runs !== undefined) patch.missedRuns = body.missed_runs;
  if (body.max_catch_up !== undefined) patch.maxCatchUp = body.max_catch_up;
  if ('start_at' in body) patch.startAt = date(body.start_at);
  if ('end_at' in body) patch.endAt = date(body.end_at);
  if ('max_users_per_occurrence' in body)
    patch.maxUsersPerOccurrence = body.max_users_per_occurrence ?? null;
  if ('max_amount_per_occurrence' in body)
    patch.maxAmountPerOccurrence = body.max_amount_per_occurrence ?? null;
  return { ...patch, ...lotPatchFromBody(body) };
}

/** A validated create body → the core's input. */
export function strategyInputFromBody(body: z.infer<typeof StrategyCreateSchema>): StrategyInput {
  const { name, title, type, amount, condition } = body;
  return { ...strategyPatchFromBody(body), name, title, type, amount, condition };
}

/** A validated replace (PUT) body → the core's replacement (`enabled` always present). */
export function strategyReplacementFromBody(
  body: z.infer<typeof StrategyReplaceSchema>,
): StrategyReplacement {
  return { ...strategyInputFromBody(body), enabled: body.enabled };
}

export const StrategyPatchSchema = z
  .strictObject(StrategyFieldsShape)
  .partial()
  .openapi('StrategyPatch');

export const StrategySchema = z
  .object({
    id: z.number().int().openapi({
      description: "The strategy's id; never reused (ledger rows keep it)",
      example: 1,
    }),
    name: z.string().openapi({ description: FIELD.name, example: 'daily-star-reward' }),
    title: z.string().openapi({ description: FIELD.title, example: 'Daily reward for stargazers' }),
    type: z.enum(['single', 'periodic']).openapi({ description: FIELD.type, example: 'periodic' }),
    mode: Mode,
    amount: z.number().openapi({
      description:
        'add: the amount added per grant; top_up: the target balance; reset: the new balance',
      example: 5,
    }),
    model: z.string().nullable().openapi({ description: FIELD.model, example: null }),
    periodic_expr: z
      .string()
      .nullable()
      .openapi({ description: FIELD.periodic_expr, example: '0 8 * * *' }),
    timezone: z.string().openapi({ description: FIELD.timezone, example: 'Asia/Shanghai' }),
    condition: z.string().openapi({
      description: `${FIELD.condition}; stored in canonical form`,
      example: 'github-star("zgsm-ai/zgsm")',
    }),
    enabled: z.boolean().openapi({ description: FIELD.enabled, example: true }),
    max_exec_per_user: z
      .number()
      .int()
      .openapi({ description: FIELD.max_exec_per_user, example: 0 }),
    missed_runs: z.enum(['skip', 'catch_up']).openapi({
      description:
        'skip: only the latest missed occurrence is granted; catch_up: every missed one, up to max_catch_up',
      example: 'skip',
    }),
    max_catch_up: z.number().int().openapi({ description: FIELD.max_catch_up, example: 10 }),
    start_at: z
      .string()
      .nullable()
      .openapi({ description: FIELD.start_at, example: '2026-01-31T16:00:00.000Z' }),
    end_at: z.string().nullable().openapi({ description: FIELD.end_at, example: null }),
    version: z.number().int().openapi({
      description:
        '1 on create, +1 on every change of what decides who is granted what, when or how (condition, amount, mode, model, type, periodic_expr, timezone, start_at, end_at, max_exec_per_user, missed_runs, max_catch_up, budgets, lot fields); a change of only name, title or enabled keeps it. Each ledger row records the version that granted it; a new version makes a single strategy scan every user again',
      example: 1,
    }),
    max_users_per_occurrence: z.number().int().nullable().openapi({
      description: 'Budget cap on users per occurrence (null: the configured default, if any)',
    }),
    max_amount_per_occurrence: z.number().nullable().openapi({
      description: 'Budget cap on the amount per occurrence (null: none)',
    }),
    ...LotResponseShape,
    created_at: z.string().openapi({
      description: 'When it was created (UTC ISO 8601); periodic schedules start from here',
      example: '2026-01-15T10:00:00.000Z',
    }),
    updated_at: z.string().openapi({
      description: 'When it last changed (UTC ISO 8601)',
      example: '2026-01-15T10:00:00.000Z',
    }),
  })
  .openapi('Strategy');

export const StrategyListQuerySchema = z.strictObject({
  type: z
    .enum(['single', 'periodic'])
    .optional()
    .openapi({ description: 'Only strategies of this type', example: 'periodic' }),
  enabled: booleanQuery.optional().openapi({
    description: 'Only enabled (true) or disabled (false) strategies',
    example: 'true',
  }),
  ...PaginationShape,
});
