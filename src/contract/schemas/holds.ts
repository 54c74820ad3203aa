// Held occurrences beyond approving one: dismissing one, and approving every held one at once.
import { z } from '@hono/zod-openapi';
import { OccurrenceParamSchema } from './preview.ts';
import { RunResultSchema } from './run.ts';

/**
 * A held occurrence to dismiss: approving's parameter without its `once`, since only a periodic
 * strategy's occurrence can be dismissed (its fire time).
 */
export const HeldOccurrenceParamSchema = OccurrenceParamSchema.extend({
  occurrence: OccurrenceParamSchema.shape.occurrence.openapi({
    param: { name: 'occurrence', in: 'path' },
    description: 'The held occurrence: its fire time as an ISO 8601 instant',
    example: '2026-01-15T00:00:00.000Z',
  }),
});

export const DismissedSchema = z
  .object({
    occurrence: z.string().openapi({
      description: 'The occurrence dismissed (its UTC ISO fire time)',
      example: '2026-12-07T00:00:00.000Z',
    }),
    status: z.literal('dismissed').openapi({
      description: 'It is closed: nothing is granted for it, and no run takes it up again',
      example: 'dismissed',
    }),
  })
  .openapi('DismissedOccurrence', { description: 'A held occurrence an operator dismissed' });

export const ApprovedAllSchema = z
  .object({
    items: z.array(RunResultSchema).openapi({
      description:
        'One run per held occurrence approved, oldest first (one released or approved by someone else meanwhile is skipped)',
    }),
  })
  .openapi('ApprovedHeldOccurrences', {
    description: 'What approving every held occurrence of a strategy did',
  });
