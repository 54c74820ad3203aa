// Shared pieces of the request and response schemas: problem details, ids, pages, text.
// The same zod schemas validate requests and generate the OpenAPI document
// (@hono/zod-openapi), so the docs cannot drift from the behaviour.
import { z } from '@hono/zod-openapi';
import type { ErrorCode, ErrorDetail } from '../../core/errors.ts';
import { isStorableInstant, textProblem } from '../../core/storable-values.ts';
import { problem } from '../problem.ts';

/** One problem with one field or one place in a condition. */
const ProblemDetailSchema = z.object({
  field: z.string().optional().openapi({
    description: 'The request field at fault (dotted path for nested fields)',
    example: 'condition',
  }),
  line: z
    .number()
    .int()
    .optional()
    .openapi({ description: 'Condition errors: the line of the error (from 1)', example: 1 }),
  column: z
    .number()
    .int()
    .optional()
    .openapi({ description: 'Condition errors: the column of the error (from 1)', example: 9 }),
  length: z.number().int().optional().openapi({
    description: 'Condition errors: how many characters the error spans',
    example: 4,
  }),
  code: z
    .string()
    .optional()
    .openapi({ description: 'Machine-readable code of this problem', example: 'unknown_function' }),
  message: z.string().openapi({
    description: 'What is wrong, for people',
    example: 'unknown function "is-vp"; did you mean "is-vip"?',
  }),
  expected: z
    .array(z.string())
    .optional()
    .openapi({
      description: 'Condition syntax errors: the tokens the parser would have accepted here',
      example: ['(', 'and', 'or'],
    }),
  suggestion: z.string().optional().openapi({
    description: 'A close known name ("did you mean"), when there is one',
    example: 'is-vip',
  }),
});

export const ProblemSchema = z
  .object({
    type: z.string().openapi({
      description: 'A URI naming the kind of problem (RFC 9457)',
      example: 'https://quota-manager.dev/problems/invalid-condition',
    }),
    title: z.string().openapi({
      description: 'Short summary of the kind of problem',
      example: 'Invalid condition',
    }),
    status: z.number().int().openapi({ description: 'The HTTP status code', example: 400 }),
    detail: z.string().openapi({
      description: 'What went wrong in this request, for people',
      example: 'The condition is not valid',
    }),
    code: z.string().openapi({ description: 'Machine-readable error code' }),
    request_id: z.string().optional().openapi({
      description: 'The id of this request (also in the X-Request-Id header and in the log)',
      example: '5f0c1f3e-8a0b-4d55-9c1e-2b7a9f6c4d21',
    }),
    errors: z.array(ProblemDetailSchema).optional().openapi({
      description: 'For 400s: one entry per field or condition problem',
    }),
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
export function routeProblem(description: string, examples: Record<string, ProblemExample>) {
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
/**
 * The health probes have no client error of their own; the 4xx a client can meet on their path is
 * the one for a method they do not serve.
 */
export const probeNotFoundResponse = (path: string) => ({
  404: routeProblem(`${path} serves GET (and HEAD) only; any other method answers not_found`, {
    not_found: { code: 'not_found', detail: `no route for POST ${path}` },
  }),
});
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
      'again, since ledger retention may have removed the rows that prevent a second grant — and the strategy has no pending or failed grants to settle. ' +
      '`strategy_disabled`: the strategy is disabled; enable it first (a preview is always allowed).',
    {
      lease_held: {
        code: 'conflict',
        detail: 'strategy 42 is being scanned by another process; try again',
      },
      strategy_disabled: {
        code: 'strategy_disabled',
        detail: 'strategy 42 is disabled: enable it to run it (a preview is always allowed)',
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
export const isoDateTime = z.iso
  .datetime({ offset: true })
  .refine((v) => isStorableInstant(Date.parse(v)), {
    error: 'must lie between 1000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z',
    params: { code: 'date_out_of_range' },
  });

/**
 * Text an operator sends, refused when a database cannot store it as sent (textProblem): a NUL
 * fails the write on PostgreSQL (a 500), and half of a surrogate pair would be stored as U+FFFD.
 * Conditions are plain strings instead: their parser reports the same characters with a line
 * and column.
 */
export const text = () =>
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
 * A numeric id in a path, written the one canonical way (`1`, not `01`, `1.0`, `0x1`, `1e0` or
 * `+1`): other spellings would name the same row under a different URL (and, before, a fresh
 * rate-limit bucket each).
 */
export const pathId = (name: string, example: number, description: string) =>
  z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, { error: 'must be a positive integer written in plain digits' })
    .transform(Number)
    .pipe(z.number().int().max(Number.MAX_SAFE_INTEGER))
    .openapi({ param: { name, in: 'path' }, type: 'integer', example, description });

export const IdParamSchema = z.object({ id: pathId('id', 1, 'Strategy id') });

export const booleanQuery = z.enum(['true', 'false']).transform((v) => v === 'true');
/**
 * A registered schema or null. `Schema.nullable()` generates `allOf: [$ref, {type: [object,
 * null]}]`, which no null satisfies (the $ref branch is an object); a union generates the
 * `anyOf: [$ref, {type: null}]` that validators accept, and keeps the description.
 */
export const nullableRef = <T extends z.ZodType>(schema: T, description: string) =>
  z.union([schema, z.null()]).openapi({ description });
