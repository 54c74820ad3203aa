// User requests and responses, and the conversion of a validated body to the core's upsert.
import { z } from '@hono/zod-openapi';
import { BALANCE_PROTOCOLS } from '../../core/grant-mode.ts';
import type { UserUpsert } from '../../core/model/user.ts';
import { isoDateTime, text } from './common.ts';
import { cursorLimit, textCursor } from './cursor.ts';
import { ExecutionSchema } from './ledger.ts';

/**
 * The rules every user id that comes in obeys (API bodies and paths, CLI imports). `.` and `..`
 * are refused: URLs drop such path segments (`/users/..`, `%2E%2E` too), so no route could ever
 * read, change or delete that user again.
 */
const userIdString = text()
  .min(1)
  .max(128)
  .refine((id) => id !== '.' && id !== '..', {
    error:
      'must not be "." or "..": URLs drop such path segments, so no route could reach the user',
    params: { code: 'dot_segment_id' },
  });
/** Fields left out keep their stored value; null clears a field. */
const keep = ' (absent: unchanged; null clears it)';
export const UserFieldsShape = {
  name: text()
    .max(200)
    .nullable()
    .optional()
    .openapi({ description: `Display name${keep}`, example: 'Ann' }),
  github_username: text()
    .max(200)
    .nullable()
    .optional()
    .openapi({ description: `GitHub login${keep}`, example: 'ann-dev' }),
  email: text()
    .max(320)
    .nullable()
    .optional()
    .openapi({ description: `Email address${keep}`, example: 'ann@example.org' }),
  phone: text()
    .max(64)
    .nullable()
    .optional()
    .openapi({ description: `Phone number${keep}`, example: null }),
  vip: z
    .number()
    .int()
    .min(0)
    .max(1000)
    .optional()
    .openapi({ description: 'VIP level, 0 = none (absent: unchanged)', example: 1 }),
  org: text()
    .max(200)
    .nullable()
    .optional()
    .openapi({ description: `Organisation${keep}`, example: 'acme' }),
  github_stars: z
    .array(text().min(1).max(300))
    .max(10_000)
    .optional()
    .openapi({
      description: 'Repositories the user starred, owner/name (absent: unchanged)',
      example: ['zgsm-ai/zgsm'],
    }),
  register_time: isoDateTime
    .nullable()
    .optional()
    .openapi({ description: `When the user registered${keep}`, example: '2025-06-01T00:00:00Z' }),
  access_time: isoDateTime
    .nullable()
    .optional()
    .openapi({
      description: `When the user was last active${keep}`,
      example: '2026-01-14T09:30:00Z',
    }),
};
/** PUT /users/:id body: the id may be repeated in the body but must then agree with the path. */
export const UserPutSchema = z
  .strictObject({
    id: userIdString.optional().openapi({
      description: 'The user id; optional here, and when given it must equal the id in the path',
      example: 'user001',
    }),
    ...UserFieldsShape,
  })
  .openapi('UserInput');
export const UserBulkItemSchema = z.strictObject({
  id: userIdString.openapi({
    description: 'The user id (as the gateway knows it)',
    example: 'user001',
  }),
  ...UserFieldsShape,
});
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
    id: z
      .string()
      .openapi({ description: 'The user id (as the gateway knows it)', example: 'user001' }),
    name: z.string().nullable().openapi({ description: 'Display name', example: 'Ann' }),
    github_username: z
      .string()
      .nullable()
      .openapi({ description: 'GitHub login', example: 'ann-dev' }),
    email: z
      .string()
      .nullable()
      .openapi({ description: 'Email address', example: 'ann@example.org' }),
    phone: z.string().nullable().openapi({ description: 'Phone number', example: null }),
    vip: z.number().int().openapi({ description: 'VIP level (0 = none)', example: 1 }),
    org: z.string().nullable().openapi({ description: 'Organisation', example: 'acme' }),
    github_stars: z.array(z.string()).openapi({
      description: 'Repositories the user starred (owner/name)',
      example: ['zgsm-ai/zgsm'],
    }),
    register_time: z.string().nullable().openapi({
      description: 'When the user registered (ISO 8601)',
      example: '2025-06-01T00:00:00.000Z',
    }),
    access_time: z.string().nullable().openapi({
      description: 'When the user was last active (ISO 8601)',
      example: '2026-01-14T09:30:00.000Z',
    }),
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
  id: userIdString.openapi({
    param: { name: 'id', in: 'path' },
    description: 'The user id (as the gateway knows it)',
    example: 'user001',
  }),
});

export const GatewayBalanceSchema = z
  .object({
    user_id: z
      .string()
      .openapi({ description: 'The user, as the gateway knows them', example: 'user001' }),
    protocol: z.enum(BALANCE_PROTOCOLS).openapi({
      description:
        'How the gateway keeps balances (AIGATEWAY_BALANCE): total_minus_used (balance = quota − used) or quota (one counter)',
      example: 'total_minus_used',
    }),
    balance: z.number().nullable().openapi({
      description:
        'What the user can spend now, as the gateway says; null when it could not be read',
      example: 55,
    }),
    used: z.number().nullable().openapi({
      description: 'The used counter (0 for a single-counter gateway); null when unread',
      example: 5,
    }),
    read_at: z.string().openapi({
      description: 'When the gateway was read (UTC ISO 8601)',
      example: '2026-01-15T10:00:00.000Z',
    }),
    error: z.string().nullable().openapi({
      description:
        'Why the gateway could not be read (it is down, refused, timed out); null when read',
      example: null,
    }),
  })
  .openapi('GatewayBalance', {
    description:
      "The user's balance at the gateway now, read through the daemon's gateway client: compare it with a grant's balance_before and delta_sent to resolve an unknown outcome",
  });

/** GET /api/v1/users: search and list, by id. */
export const UserSearchQuerySchema = z.strictObject({
  q: text().min(1).max(200).optional().openapi({
    description:
      'A prefix of the id, the name or the GitHub username. Letters A-Z match a-z; every other character matches only itself, exactly as stored (no other case folding, no Unicode normalisation), the same on every database. `%`, `_` and `!` are plain characters here. NUL and half surrogate pairs answer 400.',
    example: 'ali',
  }),
  org: text().min(1).max(200).optional().openapi({
    description: 'Only users of this organisation (exact)',
    example: 'acme',
  }),
  vip_gte: z.coerce.number().int().min(0).optional().openapi({
    description: 'Only users with a VIP level at least this',
    example: 1,
  }),
  cursor: textCursor('users'),
  limit: cursorLimit,
});

/** POST /api/v1/users/bulk's answer. */
export const UserBulkResultSchema = z.object({
  upserted: z.number().int().openapi({ description: 'Users created or updated', example: 2 }),
});
