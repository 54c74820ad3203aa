// Scan and run requests and answers: what a scan, a run or an approval did.
import { z } from '@hono/zod-openapi';
import { isoDateTime, nullableRef } from './common.ts';
import { HeldSchema } from './preview.ts';

export const ScanSummarySchema = z
  .object({
    strategies: z.number().int().openapi({ description: 'Strategies scanned', example: 1 }),
    matched: z.number().int().openapi({
      description:
        'Users the conditions selected who had no grant for the occurrence yet (capped ones included)',
      example: 10,
    }),
    granted: z
      .number()
      .int()
      .openapi({ description: 'Grants the gateway applied in this scan', example: 10 }),
    skipped: z.number().int().openapi({
      description:
        'Matched users not granted: capped by max_exec_per_user, or claimed by another process first',
      example: 0,
    }),
    failed: z.number().int().openapi({
      description:
        'Grants sent that failed or whose outcome is unknown (later scans retry failed ones)',
      example: 0,
    }),
    duration_ms: z.number().int().openapi({ description: 'How long the scan took', example: 120 }),
  })
  .openapi('ScanSummary');

export const RunBodySchema = z
  .strictObject({
    occurrence: isoDateTime.optional().openapi({
      description:
        'The occurrence to run (a past or current cron fire time, ISO 8601); absent: the one due now',
      example: '2026-01-15T00:00:00Z',
    }),
  })
  .openapi('RunRequest');
export const RunResultSchema = ScanSummarySchema.extend({
  occurrence: z.string().nullable().openapi({
    description: 'The occurrence run (ISO fire time, or once); null when none was due',
    example: 'once',
  }),
  held: nullableRef(
    HeldSchema,
    'Non-null when the occurrence is held by a budget cap: nothing was granted (raise the cap, or approve the occurrence)',
  ),
  gateway_available: z.boolean().openapi({
    description:
      "False when the gateway's circuit breaker was open at the end of the run: grants were paused, so the counts say nothing about who would be granted (they are sent once it recovers)",
    example: true,
  }),
}).openapi('RunResult');
