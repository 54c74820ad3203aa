// GET /api/v1/schedule/preview: the next fire times of a cron expression in a zone, by the
// daemon's own schedule rules, for a strategy not saved yet.
import { z } from '@hono/zod-openapi';
import { CRON_WORD_LANGS } from '../../core/cron-in-words.ts';
import { text } from './common.ts';

/**
 * As many as an editor shows, and a bound on the work any token (a viewer's too) can ask for: a
 * rare schedule (`0 0 29 2 *`, every leap day) costs cron-parser about 4 ms per fire time found,
 * so 50 took ~190 ms a request on the test machine; 20 stays under ~80 ms.
 */
export const MAX_SCHEDULE_PREVIEW_COUNT = 20;

export const SchedulePreviewQuerySchema = z.strictObject({
  cron: text().max(200).openapi({
    description:
      'A cron expression of 5 fields (minute hour day month weekday) or 6 (seconds first)',
    example: '0 8 * * 1-5',
  }),
  timezone: text().max(64).optional().openapi({
    description:
      'The zone the expression is read in: UTC or an Area/City name, as strategies take it (default: QM_TIMEZONE)',
    example: 'Asia/Shanghai',
  }),
  count: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_SCHEDULE_PREVIEW_COUNT)
    .default(5)
    .openapi({ description: 'How many fire times', example: 5 }),
  lang: z
    .enum(CRON_WORD_LANGS)
    .default('en')
    .openapi({ description: 'The language of `description`', example: 'en' }),
});

export const SchedulePreviewSchema = z
  .object({
    cron: z.string().openapi({ description: 'The expression, as sent', example: '0 8 * * 1-5' }),
    timezone: z
      .string()
      .openapi({ description: 'The zone it was read in', example: 'Asia/Shanghai' }),
    description: z.string().nullable().openapi({
      description: 'The expression in words; null when the describer cannot read it',
      example: 'At 08:00, Monday through Friday',
    }),
    fire_times: z
      .array(
        z.object({
          at: z.string().openapi({
            description: 'The fire time in UTC (ISO 8601): the occurrence a strategy would grant',
            example: '2026-12-08T00:00:00.000Z',
          }),
          local: z.string().openapi({
            description: 'The same instant on the zone’s wall clock, with its offset',
            example: '2026-12-08T08:00:00+08:00',
          }),
        }),
      )
      .openapi({
        description:
          'The next fire times after now, oldest first, with the daylight-saving rule strategies follow (a skipped wall time fires after the gap, a repeated one once)',
      }),
  })
  .openapi('SchedulePreview');
