// Who the presented token is: the console asks this once at sign-in instead of guessing the
// role from how other routes treat the token.
import { z } from '@hono/zod-openapi';

export const CALLER_ROLES = ['admin', 'viewer'] as const;

export const CallerSchema = z
  .object({
    name: z.string().openapi({
      description:
        'The token\'s name: "admin" for ADMIN_TOKEN, otherwise its entry in ADMIN_TOKENS (audit rows carry it)',
      example: 'ops-dashboard',
    }),
    role: z.enum(CALLER_ROLES).openapi({
      description: '`admin` may change anything; `viewer` may read, preview, explain and validate',
      example: 'viewer',
    }),
  })
  .openapi('Caller', { description: 'The caller the presented token identifies' });
