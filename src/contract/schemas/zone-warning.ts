// A strategy's zone as answered: the name it is stored under, and a warning when that name is
// one refused now (saved before): an abbreviation or legacy name people read differently.
import { z } from '@hono/zod-openapi';

export const zoneResponseFields = (description: string) => ({
  timezone: z.string().openapi({ description, example: 'Asia/Shanghai' }),
  timezone_warning: z.string().nullable().openapi({
    description:
      'Set when `timezone` is an abbreviation or legacy name (CST, EST, PST8PDT, PRC, Etc/GMT+8, …) saved before such names were refused: the strategy keeps working in the zone the tz database gives it, and the warning says which zone was likely meant. null for UTC and Area/City names',
    example: null,
  }),
});
