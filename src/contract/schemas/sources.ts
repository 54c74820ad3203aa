// The wire shapes of the user sources (GET /api/v1/sources, POST /api/v1/sources/users/sync)
// and their serializers, read by the routes and the CLI alike.
import { z } from '@hono/zod-openapi';
import { nullableRef } from './common.ts';
import type { UserSyncRun } from '../../core/model/user-sync.ts';
import type { SourceStatus } from '../../core/use-cases/user-sources.ts';

const counts = z.record(z.string(), z.number().int());

export const UserSyncRunSchema = z
  .object({
    started_at: z
      .string()
      .openapi({ description: 'When the run began', example: '2026-06-01T08:00:00.000Z' }),
    finished_at: z.string().nullable().openapi({ description: 'null while the run goes on' }),
    full: z.boolean().openapi({ description: 'Read every row and looked for vanished users' }),
    dry_run: z.boolean().openapi({ description: 'Said what would change and wrote nothing' }),
    rows_read: z.number().int().openapi({ description: 'Rows the source query returned' }),
    upserted: z.number().int().openapi({ description: 'Valid rows written' }),
    deleted: z.number().int().openapi({ description: 'Users deleted as vanished' }),
    vanished: z
      .number()
      .int()
      .openapi({ description: 'Full runs: users the source no longer has' }),
    vanished_ids: z.array(z.string()).openapi({ description: 'The first 20 vanished ids' }),
    deletes_refused: z.enum(['source_returned_no_rows', 'too_many_deletes']).nullable().openapi({
      description: 'Why vanished users were kept although USER_SOURCE_ON_DELETE=delete',
    }),
    rejected: counts.openapi({
      description: 'Rows skipped, by reason',
      example: { invalid_vip: 2, invalid_id: 1 },
    }),
    rejected_ids: z.record(z.string(), z.array(z.string())).openapi({
      description: 'The first 20 ids (or `row <n>`) per reason',
      example: { invalid_vip: ['u17', 'u90'] },
    }),
    rejected_examples: z.record(z.string(), z.string()).openapi({
      description: 'One message per reason, from its first row',
      example: { invalid_vip: 'vip must be an integer, got "gold"' },
    }),
    error: z.string().nullable().openapi({ description: 'What stopped the run, if anything' }),
  })
  .openapi('UserSyncRun');

export const SourceSchema = z
  .object({
    name: z.literal('users').openapi({ description: 'The source: its users' }),
    kind: z.string().openapi({ description: 'postgresql, mysql or sqlite', example: 'postgresql' }),
    cursor_column: z.string().nullable().openapi({
      description:
        'USER_SOURCE_CURSOR: the column read incrementally by; null: every run reads all',
      example: 'updated_at',
    }),
    cursor: z
      .object({
        kind: z.enum(['instant', 'wall', 'number', 'text']).openapi({
          description:
            'How the value compares: an instant, a wall-clock time in USER_SOURCE_TIMEZONE, a number or text',
        }),
        value: z.string().openapi({ description: 'The value, as text' }),
      })
      .nullable()
      .openapi({
        description: 'The largest cursor value read; the next run starts there (minus the overlap)',
      }),
    running: z.boolean().openapi({
      description: 'A run is going on, in this process or on a replica holding the sync lease',
    }),
    abandoned: z.boolean().openapi({
      description:
        'The last run never finished and no replica holds the sync lease any more: its process stopped mid-run (crash, kill); the next run starts over',
    }),
    last_full_at: z.string().nullable().openapi({ description: 'When the last full run began' }),
    last_success_at: z
      .string()
      .nullable()
      .openapi({ description: 'When a run last ended without an error' }),
    lag_seconds: z
      .number()
      .int()
      .nullable()
      .openapi({ description: 'Seconds since a run last ended without an error' }),
    last_run: nullableRef(
      UserSyncRunSchema,
      'The last run, finished or going on; null before the first',
    ),
  })
  .openapi('Source');

export const SourceListSchema = z
  .object({
    items: z.array(SourceSchema).openapi({ description: 'The configured sources' }),
    total: z.number().int().openapi({ description: 'How many there are' }),
  })
  .openapi('SourceList');

export const UserSyncRequestSchema = z
  .strictObject({
    full: z.boolean().optional().openapi({
      description: 'Read every row and look for vanished users, whatever the schedule says',
    }),
  })
  .openapi('UserSyncRequest');

export const UserSyncStartedSchema = z
  .object({
    status: z
      .literal('started')
      .openapi({ description: 'The run began; GET /api/v1/sources follows it' }),
    full: z.boolean().openapi({ description: 'The run is a full one' }),
  })
  .openapi('UserSyncStarted');

const iso = (at: Date | null) => (at === null ? null : at.toISOString());

export const userSyncRunJson = (run: UserSyncRun) => ({
  started_at: run.startedAt.toISOString(),
  finished_at: iso(run.finishedAt),
  full: run.full,
  dry_run: run.dryRun,
  rows_read: run.rowsRead,
  upserted: run.upserted,
  deleted: run.deleted,
  vanished: run.vanished,
  vanished_ids: run.vanishedIds,
  deletes_refused: run.deletesRefused,
  rejected: run.rejected,
  rejected_ids: run.rejectedIds,
  rejected_examples: run.rejectedExamples,
  error: run.error,
});

export const sourceJson = (source: SourceStatus) => ({
  name: 'users' as const,
  kind: source.kind,
  cursor_column: source.cursorColumn ?? null,
  cursor: source.cursor,
  running: source.running,
  abandoned: source.abandoned,
  last_full_at: iso(source.lastFullAt),
  last_success_at: iso(source.lastSuccessAt),
  lag_seconds: source.lagSeconds,
  last_run: source.lastRun === null ? null : userSyncRunJson(source.lastRun),
});
