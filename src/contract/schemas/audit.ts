// The audit trail: one event per change request (who, what, when), and its query.
import { z } from '@hono/zod-openapi';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from '../../core/model/audit.ts';
import { isoDateTime } from './common.ts';
import { cursorLimit, idCursor } from './cursor.ts';

export const AuditEventSchema = z
  .object({
    id: z.number().int().openapi({ description: 'Event id (increasing)', example: 7 }),
    at: z.string().openapi({
      description: 'When the change was made (UTC ISO 8601)',
      example: '2026-01-15T10:00:00.000Z',
    }),
    actor: z.string().openapi({
      description:
        'The token name that made the request (`admin` for ADMIN_TOKEN), `cli` for the command line, `system` for the daemon',
      example: 'ops-alice',
    }),
    action: z
      .enum(AUDIT_ACTIONS)
      .openapi({ description: 'What was done', example: 'strategy.update' }),
    target_type: z.enum(AUDIT_TARGET_TYPES).openapi({
      description: 'What kind of thing it was done to',
      example: 'strategy',
    }),
    target_id: z.string().openapi({
      description: 'Its id (`*` for a bulk user import; the scan start time for a scan)',
      example: '1',
    }),
    changes: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({
        description:
          'Updates: `{field: {before, after}}` for each changed field; creates: `{after: fields}`; runs, scans and imports: counts. Fields are named as in the API (snake_case), also on events recorded before this naming',
        example: { amount: { before: 5, after: 10 } },
      }),
    request_id: z.string().nullable().openapi({
      description: 'The API request id (null for the CLI and the daemon)',
      example: '5f0c1f3e-8a0b-4d55-9c1e-2b7a9f6c4d21',
    }),
  })
  .openapi('AuditEvent');

export const AuditQuerySchema = z.strictObject({
  target_type: z.enum(AUDIT_TARGET_TYPES).optional().openapi({
    description: 'Only changes to this kind of thing',
    example: 'strategy',
  }),
  target_id: z.string().min(1).max(128).optional().openapi({
    description: 'Only changes to this id (with target_type)',
    example: '1',
  }),
  actor: z.string().min(1).max(64).optional().openapi({
    description: 'Only changes by this token name',
    example: 'ops-alice',
  }),
  from: isoDateTime.optional().openapi({
    description: 'Changes at or after this instant',
    example: '2026-01-01T00:00:00Z',
  }),
  to: isoDateTime.optional().openapi({
    description: 'Changes before this instant',
    example: '2026-02-01T00:00:00Z',
  }),
  cursor: idCursor('audit'),
  limit: cursorLimit,
});
