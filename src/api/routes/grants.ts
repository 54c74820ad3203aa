// /api/v1/grants — the whole grant ledger (every strategy, deleted ones included), newest first,
// keyset-paginated, or streamed as CSV for an export of any size.
import { createRoute, z } from '@hono/zod-openapi';
import type { GrantFilter } from '../../core/ports/stores.ts';
import { csvStream, wantsCsv } from '../paged-csv-stream.ts';
import { GRANT_CSV_HEADER, grantCsvFields } from '../../contract/grant-csv.ts';
import { actingApp, type ApiDeps } from '../deps.ts';
import { newRouter } from '../router.ts';
import { cursorPageOf, encodeCursor } from '../../contract/schemas/cursor.ts';
import { ExecutionSchema, GrantQuerySchema, problemResponses } from '../../contract/schemas.ts';
import { ledgerEntryJson } from '../../contract/serialize.ts';

const CSV_PAGE = 1000;

const route = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listGrants',
  tags: ['grants'],
  summary: 'The whole grant ledger, newest first (JSON pages, or CSV with Accept: text/csv)',
  description:
    'Every strategy, deleted ones included. JSON answers one page and `next_cursor`; with `Accept: text/csv` the answer streams every matching row (header row first, `limit` and `cursor` ignored) in constant memory.',
  request: { query: GrantQuerySchema },
  responses: {
    200: {
      description: 'A page of ledger rows, or all of them as CSV',
      content: {
        'application/json': { schema: cursorPageOf(ExecutionSchema, 'Ledger rows, newest first') },
        'text/csv': {
          schema: z.string().openapi({
            description: `Header row \`${GRANT_CSV_HEADER.join(',')}\`, then one line per row`,
          }),
        },
      },
    },
    ...problemResponses,
  },
});

export function registerGrantRoutes(deps: ApiDeps) {
  return newRouter().openapi(route, async (c) => {
    const query = c.req.valid('query');
    const app = actingApp(deps, c);
    const filter: GrantFilter = {
      strategyId: query.strategy_id,
      userId: query.user_id,
      status: query.status,
      occurrence: query.occurrence,
      from: query.from === undefined ? undefined : new Date(query.from),
      to: query.to === undefined ? undefined : new Date(query.to),
      limit: query.limit,
    };
    if (wantsCsv(c.req.header('accept'))) {
      const stream = csvStream(GRANT_CSV_HEADER, grantCsvFields, (beforeId: number | undefined) =>
        app.listGrants({ ...filter, beforeId, limit: CSV_PAGE }),
      );
      return c.body(stream, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="grants.csv"',
      });
    }
    const page = await app.listGrants({ ...filter, beforeId: query.cursor });
    return c.json(
      { items: page.items.map(ledgerEntryJson), next_cursor: encodeCursor('grants', page.next) },
      200,
    );
  });
}
