// Optimistic concurrency on strategies (RFC 9110 §8.8.3, §13.1.1): every response that carries
// a strategy has its ETag, and PUT/PATCH take an If-Match with it. docs/api.md, "Concurrent
// edits", is the client's side.
import { z } from '@hono/zod-openapi';
import { routeProblem } from './common.ts';

const EXAMPLE_TAG = '"3-1768471200000"';

export const IfMatchHeaderSchema = z.object({
  // Hono hands header validators lower-case names; HTTP header names are case-insensitive.
  'if-match': z
    .string()
    .optional()
    .openapi({
      param: { name: 'if-match', in: 'header' },
      description:
        'The ETag of the strategy as the client read it (GET, or the answer to its last change), ' +
        'or `*` for any existing strategy. When it is not the current one, nothing is changed ' +
        'and the answer is 412 `precondition_failed`. Clients SHOULD send it: without it, a ' +
        'change made by someone else since the client read the strategy is overwritten. ' +
        'Weak tags (`W/"…"`) never match; a value that is not a list of entity tags is a 400.',
      example: EXAMPLE_TAG,
    }),
});

/** A 200/201 answer carrying a strategy, with its ETag. */
export const withStrategyTag = <T extends { description: string }>(response: T) => ({
  ...response,
  headers: z.object({
    ETag: z.string().openapi({
      description:
        "The strategy's entity tag (strong): send it back as If-Match to change the strategy " +
        'only if nobody else has since. It changes on every change of any field.',
      example: EXAMPLE_TAG,
    }),
  }),
});

export const preconditionFailedResponse = {
  412: routeProblem(
    'If-Match did not match: the strategy was changed since the client read it (or the tag is weak). Nothing was changed; read it again and retry',
    {
      precondition_failed: {
        code: 'precondition_failed',
        detail:
          'strategy 42 has changed since the If-Match tag was read: read it again (GET) and retry',
      },
    },
  ),
};
