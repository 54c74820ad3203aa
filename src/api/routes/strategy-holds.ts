// /api/v1/strategies/:id — what an operator does with held occurrences besides approving one:
// dismiss one (closed, nothing granted), or approve and run every held one at once.
import { createRoute, z } from '@hono/zod-openapi';
import { actingApp, type ApiDeps } from '../deps.ts';
import { parseIfMatch } from '../if-match.ts';
import { newRouter } from '../router.ts';
import {
  ApprovedAllSchema,
  DismissedSchema,
  IdParamSchema,
  IfMatchHeaderSchema,
  HeldOccurrenceParamSchema,
  preconditionFailedResponse,
  problemResponses,
  routeProblem,
  strategyNotFoundResponse,
} from '../../contract/schemas.ts';
import { runResultJson } from '../../contract/serialize.ts';

const tags = ['strategies'];
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

const notHeld = (what: string, detail: string) => ({
  409: routeProblem(`Nothing was ${what}. \`occurrence_not_held\`: nothing is held.`, {
    occurrence_not_held: { code: 'occurrence_not_held', detail },
  }),
});

const routes = {
  dismiss: createRoute({
    method: 'post',
    path: '/{id}/occurrences/{occurrence}/dismiss',
    operationId: 'dismissOccurrence',
    tags,
    summary: 'Dismiss one held occurrence of a periodic strategy: nothing is granted for it',
    description:
      'The occurrence is closed for good (status `dismissed`): no tick, run or approval takes it up again. ' +
      'A single strategy has no occurrence to dismiss (400): raise its cap, approve it, or disable it. ' +
      'Send the ETag you read as If-Match to dismiss for the strategy as you saw it (412 if it changed since).',
    request: { params: HeldOccurrenceParamSchema, headers: IfMatchHeaderSchema },
    responses: {
      200: json(DismissedSchema, 'The occurrence is dismissed'),
      ...problemResponses,
      ...strategyNotFoundResponse,
      ...notHeld(
        'dismissed',
        'occurrence 2026-12-07T00:00:00.000Z of strategy 42 is not held by a budget cap: there is nothing to dismiss',
      ),
      ...preconditionFailedResponse,
    },
  }),
  approveAll: createRoute({
    method: 'post',
    path: '/{id}/held/approve',
    operationId: 'approveHeldOccurrences',
    tags,
    summary: 'Approve every held occurrence of a strategy (at most 50), and run each',
    description:
      'Each is approved as POST /{id}/occurrences/{occurrence}/approve approves one (bound to the strategy version and the users and amount it needs now) and run at once, oldest first. ' +
      'Send the ETag you read as If-Match to approve the strategy as you saw it (412 if it changed since).',
    request: { params: IdParamSchema, headers: IfMatchHeaderSchema },
    responses: {
      200: json(ApprovedAllSchema, 'What each run did'),
      ...problemResponses,
      ...strategyNotFoundResponse,
      ...notHeld(
        'approved',
        'strategy 42 has no occurrence held by a budget cap: there is nothing to approve',
      ),
      ...preconditionFailedResponse,
    },
  }),
};

export function registerHoldRoutes(deps: ApiDeps) {
  const { app } = deps;
  return newRouter()
    .openapi(routes.dismiss, async (c) => {
      const { id, occurrence } = c.req.valid('param');
      const ifMatch = parseIfMatch(c.req.valid('header')['if-match']);
      const strategy = await app.getStrategy(id);
      return c.json(await actingApp(deps, c).dismissOccurrence(strategy, occurrence, ifMatch), 200);
    })
    .openapi(routes.approveAll, async (c) => {
      const ifMatch = parseIfMatch(c.req.valid('header')['if-match']);
      const strategy = await app.getStrategy(c.req.valid('param').id);
      const results = await actingApp(deps, c).approveAllHeld(strategy, ifMatch);
      return c.json({ items: results.map(runResultJson) }, 200);
    });
}
