// Request and response schemas. The same zod schemas validate requests and generate the
// OpenAPI document (@hono/zod-openapi), so the docs cannot drift from the behaviour.
import { z } from '@hono/zod-openapi';
import type { ErrorCode, ErrorDetail } from '../core/errors.ts';
import { GRANT_STATUSES } from '../core/ledger.ts';
import type { StrategyFields } from '../core/strategy.ts';
import { isStorableInstant, isWholeCents, textProblem } from '../core/storable-values.ts';
import type { UserUpsert } from '../db/user-repository.ts';
import { problem } from './problem.ts';

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    request_id: z.string().optional(),
    errors: z
      .array(
        z.object({
          field: z.string().optional(),
          line: z.number().int().optional(),
          column: z.number().int().optional(),
          length: z.number().int().optional(),
          code: z.string().optional(),
          message: z.string(),
          expected: z.array(z.string()).optional(),
          suggestion: z.string().optional(),
        }),
      )
      .optional(),
  })
  .openapi('Problem', {
    example: {
      type: 'https://quota-manager.dev/problems/invalid-condition',
      title: 'Invalid condition',
      status: 400,
      detail: 'The condition is not valid',
      code: 'invalid_condition',
      errors: [
        {
          field: 'condition',
          line: 1,
          column: 9,
          length: 4,
          code: 'unknown_function',
          message: 'unknown function "is-vp"; did you mean "is-vip"?',
        },
      ],
    },
  });

export const problemResponses = {
  400: {
    description: 'Invalid input',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
  401: {
    description: 'Missing or wrong admin token',
    content: { 'application/problem+json': { schema: ProblemSchema } },
  },
} as const;

/** The request id of documented error examples. */
export const EXAMPLE_REQUEST_ID = '5f0c1f3e-8a0b-4d55-9c1e-2b7a9f6c4d21';

interface ProblemExample {
  code: ErrorCode;
  detail: string;
  errors?: ErrorDetail[];
}

/**
 * An error response as one route produces it: its own description and one example per way it
 * happens there. (Responses every route shares, such as 400 and 401 above, get their examples
 * from the document's completion in routes/docs.ts, which keeps the examples declared here.)
 */
function routeProblem(description: string, examples: Record<string, ProblemExample>) {
  return {
    description,
    content: {
      'application/problem+json': {
        schema: ProblemSchema,
        examples: Object.fromEntries(
          Object.entries(examples).map(([name, e]) => [
            name,
            {
              summary: e.code,
              value: problem(e.code, e.detail, e.errors ?? [], EXAMPLE_REQUEST_ID),
            },
          ]),
        ),
      },
    },
  };
}

export const strategyNotFoundResponse = {
  404: routeProblem('No strategy has this id', {
    not_found: { code: 'not_found', detail: 'strategy 42 does not exist' },
  }),
};
export const userNotFoundResponse = {
  404: routeProblem('No user has this id', {
    not_found: { code: 'not_found', detail: 'user user001 does not exist' },
  }),
};
export const executionNotFoundResponse = {
  404: routeProblem('The strategy has no ledger row with this id', {
    not_found: { code: 'not_found', detail: 'execution 42 does not exist' },
  }),
};
export const duplicateNameResponse = {
  409: routeProblem('Another strategy already has this name', {
    conflict: {
      code: 'conflict',
      detail: 'a strategy named "daily-star-reward" already exists',
      errors: [{ field: 'name', message: 'already in use' }],
    },
  }),
};
export const runConflictResponse = {
  409: routeProblem(
    "Nothing was run. `conflict`: another process (a scan here, or another replica) holds the strategy's lease; try again when it is done. " +
      '`occurrence_done`: the occurrence (the one due now, or the one requested) is already done — a done occurrence is never scanned for users ' +
      'again, since ledger retention may have removed the rows that prevent a second grant — and the strategy has no pending or failed grants to settle.',
    {
      lease_held: {
        code: 'conflict',
        detail: 'strategy 42 is being scanned by another process; try again',
      },
      occurrence_done: {
        code: 'occurrence_done',
        detail:
          'occurrence 2026-03-01T08:00:00.000Z of strategy 42 is already done: a done occurrence is not scanned again, and the strategy has no pending or failed grants to settle',
      },
    },
  ),
};
export const resolveConflictResponse = {
  409: routeProblem(
    'The ledger row is neither unknown nor failed (already applied, or still pending): there is nothing to resolve',
    {
      conflict: {
        code: 'conflict',
        detail: 'execution 42 is applied; only unknown or failed grants can be resolved',
      },
    },
  ),
};

/**
 * An ISO 8601 instant with an offset, inside the range every database stores
 * (STORABLE_INSTANTS): `9999-12-31T23:00:00-05:00` is a valid ISO string but year 10000 in UTC.
 */
const isoDateTime = z.iso
  .datetime({ offset: true })
  .refine((v) => isStorableInstant(Date.parse(v)), {
    message: 'must lie between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z',
    params: { code: 'date_out_of_range' },
  });

/**
 * Text an operator sends, refused when a database cannot store it as sent (textProblem): a NUL
 * fails the write on PostgreSQL (a 500), and half of a surrogate pair would be stored as U+FFFD.
 * Conditions are plain strings instead: their parser reports the same characters with a line
 * and column.
 */
const text = () =>
  z.string().superRefine((value, ctx) => {
    const problem = textProblem(value);
    if (problem)
      ctx.addIssue({
        code: 'custom',
        message:
          problem.code === 'nul_character'
            ? `must not contain NUL characters (at index ${problem.index})`
            : `must not contain half of a UTF-16 surrogate pair (at index ${problem.index})`,
        params: { code: problem.code },
      });
  });

/**
 * Amount: at least 0.01, a whole number of cents (decided on its decimal form, not with a float
 * tolerance: see isWholeCents), below the Decimal(14,2) column's limit. (`positive()` alone
 * would let 5e-324 through and store it as 0.00.)
 */
const Amount = z
  .number()
  .min(0.01)
  .max(999_999_999_999)
  .refine(isWholeCents, {
    message: 'at most two decimals: a whole number of cents',
    params: { code: 'amount_precision' },
  });

const StrategyFieldsShape = {
  name: text().trim().min(1).max(100).openapi({ example: 'daily-star-reward' }),
  title: text().trim().min(1).max(200).openapi({ example: 'Daily reward for stargazers' }),
  type: z.enum(['single', 'periodic']),
  amount: Amount.openapi({ example: 5 }),
  model: text().trim().min(1).max(200).nullable().optional(),
  periodic_expr: text()
    .trim()
    .min(1)
    .max(200)
    .nullable()
    .optional()
    .openapi({ example: '0 8 * * *' }),
  timezone: text().min(1).max(64).optional().openapi({ example: 'Asia/Shanghai' }),
  condition: z.string().max(10_000).openapi({ example: 'github-star("zgsm-ai/zgsm")' }),
  enabled: z.boolean().optional(),
  max_exec_per_user: z.number().int().min(0).max(1_000_000).optional(),
  missed_runs: z.enum(['skip', 'catch_up']).optional().openapi({
    description:
      'skip (default): only the latest missed occurrence is granted; catch_up: every missed one, up to max_catch_up',
  }),
  max_catch_up: z.number().int().min(1).max(1000).optional(),
  start_at: isoDateTime.nullable().optional(),
  end_at: isoDateTime.nullable().optional(),
};

export const StrategyCreateSchema = z.strictObject(StrategyFieldsShape).openapi('StrategyInput');
/** API input → domain fields; absent optional fields take their documented defaults. */
export function strategyFieldsFromInput(
  input: z.infer<typeof StrategyCreateSchema>,
  defaultTimeZone: string,
): StrategyFields {
  return {
    name: input.name,
    title: input.title,
    type: input.type,
    amount: input.amount,
    model: input.model ?? null,
    periodicExpr: input.periodic_expr ?? null,
    timezone: input.timezone ?? defaultTimeZone,
    condition: input.condition,
    enabled: input.enabled ?? true,
    maxExecPerUser: input.max_exec_per_user ?? 0,
    missedRuns: input.missed_runs ?? 'skip',
    maxCatchUp: input.max_catch_up ?? 10,
    startAt: input.start_at ? new Date(input.start_at) : null,
    endAt: input.end_at ? new Date(input.end_at) : null,
  };
}

export const StrategyPatchSchema = z
  .strictObject(StrategyFieldsShape)
  .partial()
  .openapi('StrategyPatch');

export const StrategySchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    title: z.string(),
    type: z.enum(['single', 'periodic']),
    amount: z.number(),
    model: z.string().nullable(),
    periodic_expr: z.string().nullable(),
    timezone: z.string(),
    condition: z.string(),
    enabled: z.boolean(),
    max_exec_per_user: z.number().int(),
    missed_runs: z.enum(['skip', 'catch_up']),
    max_catch_up: z.number().int(),
    start_at: z.string().nullable(),
    end_at: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Strategy');

export const IdParamSchema = z.object({
  id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'id', in: 'path' }, example: 1 }),
});

const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
export const PaginationShape = {
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};
export const StrategyListQuerySchema = z.strictObject({
  type: z.enum(['single', 'periodic']).optional(),
  enabled: booleanQuery.optional(),
  ...PaginationShape,
});

export const ScanSummarySchema = z
  .object({
    strategies: z.number().int(),
    matched: z.number().int(),
    granted: z.number().int(),
    skipped: z.number().int(),
    failed: z.number().int(),
    duration_ms: z.number().int(),
  })
  .openapi('ScanSummary');

export const RunBodySchema = z
  .strictObject({ occurrence: isoDateTime.optional() })
  .openapi('RunRequest');
export const RunResultSchema = ScanSummarySchema.extend({
  occurrence: z.string().nullable(),
}).openapi('RunResult');

export const PreviewSchema = z
  .object({
    occurrence: z.string().nullable(),
    occurrence_done: z.boolean().openapi({
      description:
        'The occurrence is already done: a run would answer 409 occurrence_done and grant nobody',
    }),
    matched: z.number().int(),
    would_grant: z.number().int(),
    total_amount: z.number(),
    sample_user_ids: z.array(z.string()),
  })
  .openapi('Preview');

export const ExecutionSchema = z
  .object({
    id: z.number().int(),
    strategy_id: z.number().int(),
    user_id: z.string(),
    occurrence: z.string(),
    amount: z.number(),
    status: z.enum(GRANT_STATUSES),
    attempts: z.number().int(),
    last_error: z.string().nullable(),
    catch_up: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Execution');

export const ExecutionListQuerySchema = z.strictObject({
  user_id: z.string().optional(),
  status: z.enum(GRANT_STATUSES).optional(),
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

export const ConditionValidateBodySchema = z
  .strictObject({ condition: z.string().max(1_000_000) })
  .openapi('ConditionValidateRequest');
export const ConditionValidateResultSchema = z
  .object({
    valid: z.boolean(),
    canonical: z.string().optional(),
    errors: ProblemSchema.shape.errors,
  })
  .openapi('ConditionValidateResult');

const userIdString = text().min(1).max(128);
export const UserFieldsShape = {
  name: text().max(200).nullable().optional(),
  github_username: text().max(200).nullable().optional(),
  email: text().max(320).nullable().optional(),
  phone: text().max(64).nullable().optional(),
  vip: z.number().int().min(0).max(1000).optional(),
  org: text().max(200).nullable().optional(),
  github_stars: z.array(text().min(1).max(300)).max(10_000).optional(),
  register_time: isoDateTime.nullable().optional(),
  access_time: isoDateTime.nullable().optional(),
};
/** PUT /users/:id body: the id may be repeated in the body but must then agree with the path. */
export const UserPutSchema = z
  .strictObject({ id: userIdString.optional(), ...UserFieldsShape })
  .openapi('UserInput');
export const UserBulkItemSchema = z.strictObject({ id: userIdString, ...UserFieldsShape });
export const UserBulkSchema = z.array(UserBulkItemSchema).max(10_000).openapi('UserBulkInput');

/**
 * A validated API-shaped user (snake_case, ISO strings) → the repository's upsert; shared by the
 * API and the CLI's imports. Fields the input leaves out are left out of the upsert too, so they
 * keep their stored values.
 */
export function userUpsertFromInput(
  id: string,
  input: Omit<z.infer<typeof UserBulkItemSchema>, 'id'>,
): UserUpsert {
  const date = (value: string | null) => (value === null ? null : new Date(value));
  const upsert: UserUpsert = { id };
  if (input.name !== undefined) upsert.name = input.name;
  if (input.github_username !== undefined) upsert.githubUsername = input.github_username;
  if (input.email !== undefined) upsert.email = input.email;
  if (input.phone !== undefined) upsert.phone = input.phone;
  if (input.vip !== undefined) upsert.vip = input.vip;
  if (input.org !== undefined) upsert.org = input.org;
  if (input.github_stars !== undefined) upsert.githubStars = input.github_stars;
  if (input.register_time !== undefined) upsert.registerTime = date(input.register_time);
  if (input.access_time !== undefined) upsert.accessTime = date(input.access_time);
  return upsert;
}

export const UserSchema = z
  .object({
    id: z.string(),
    name: z.string().nullable(),
    github_username: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    vip: z.number().int(),
    org: z.string().nullable(),
    github_stars: z.array(z.string()),
    register_time: z.string().nullable(),
    access_time: z.string().nullable(),
  })
  .openapi('User');

/** How many grants GET /users/:id shows: the latest; the whole history is GET /users/:id/grants. */
export const USER_GRANTS_SHOWN = 100;
export const UserWithGrantsSchema = UserSchema.extend({
  grants: z.array(ExecutionSchema).openapi({
    description: `The user's latest ${USER_GRANTS_SHOWN} grants across strategies, newest first (fewer when there are fewer). The whole history, paged: GET /api/v1/users/{id}/grants.`,
  }),
  grants_total: z.number().int().openapi({
    description:
      'How many grants the user has in all (more than `grants` holds when over the limit)',
  }),
}).openapi('UserWithGrants');
export const UserIdParamSchema = z.object({
  id: userIdString.openapi({ param: { name: 'id', in: 'path' }, example: 'user001' }),
});

export const listOf = <T extends z.ZodTypeAny>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int() });
