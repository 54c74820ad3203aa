// GET /api/v1/schedule/preview — the next fire times of a cron expression in a zone, for an
// editor (the console's strategy form) before anything is saved.
import { createRoute } from '@hono/zod-openapi';
import type { ApiDeps } from '../deps.ts';
import { newRouter } from '../router.ts';
import {
  problemResponses,
  SchedulePreviewQuerySchema,
  SchedulePreviewSchema,
} from '../../contract/schemas.ts';
import { schedulePreviewJson } from '../../contract/serialize.ts';

const route = createRoute({
  method: 'get',
  path: '/preview',
  operationId: 'previewSchedule',
  tags: ['schedules'],
  summary: 'The next fire times of a cron expression in a zone',
  description:
    'The daemon’s own schedule rules, as a periodic strategy saved with this expression and zone would follow them. ' +
    'A bad expression answers 400 with `errors[0]` naming field `cron`, a `code` (invalid_cron, cron_not_deterministic) and the `column`/`length` of the cron field at fault; ' +
    'a bad zone answers 400 with field `timezone`, code unknown_time_zone or ambiguous_time_zone, and the `suggestion` likely meant. Any token may call it (a viewer too).',
  request: { query: SchedulePreviewQuerySchema },
  responses: {
    200: {
      content: { 'application/json': { schema: SchedulePreviewSchema } },
      description: 'The expression in words and its next fire times',
    },
    ...problemResponses,
  },
});

export function registerScheduleRoutes(deps: ApiDeps) {
  return newRouter().openapi(route, (c) => {
    const { cron, timezone, count, lang } = c.req.valid('query');
    const preview = deps.app.previewSchedule({ cron, timeZone: timezone, count, lang });
    return c.json(schedulePreviewJson(preview), 200);
  });
}
