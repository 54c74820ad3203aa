// Held occurrences beyond approving one: dismissing one, and approving every held one at once.
import { z } from '@hono/zod-openapi';
import { OccurrenceParamSchema } from './preview.ts';
import { RunResultSchema } from './run.ts';

/** A held occurrence in a path: the same parameter as approving one (its fire time, or `once`). */
export const HeldOccurrenceParamSchema = OccurrenceParamSchema;

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
