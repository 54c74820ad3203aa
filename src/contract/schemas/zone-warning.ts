// The warning a strategy's answer carries beside its zone when that name is one refused now
// (saved before): an abbreviation or legacy name people read differently.
import { z } from '@hono/zod-openapi';

export const TimezoneWarningSchema = z.string().nullable().openapi({
  description:
    'Set when `timezone` is an abbreviation or legacy name (CST, EST, PST8PDT, PRC, Etc/GMT+8, …) saved before such names were refused: the strategy keeps working in the zone the tz database gives it, and the warning says which zone was likely meant. null for UTC and Area/City names',
  example: null,
});
