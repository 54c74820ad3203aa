// /api/v1/audit — who changed what: one row per change request, newest first.
import { createRoute } from '@hono/zod-openapi';
import { actingApp, type ApiDeps } from '../deps.ts';
import { newRouter } from '../router.ts';
import { cursorPageOf, encodeCursor } from '../../contract/schemas/cursor.ts';
import { AuditEventSchema, AuditQuerySchema, problemResponses } from '../../contract/schemas.ts';
import { auditEventJson } from '../../contract/serialize.ts';

const route = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listAuditEvents',
  tags: ['audit'],
  summary: 'The audit trail: every change, who made it and through which request, newest first',
  request: { query: AuditQuerySchema },
  responses: {
    200: {
      description: 'A page of audit events',
      content: {
        'application/json': { schema: cursorPageOf(AuditEventSchema, 'Events, newest first') },
      },
    },
    ...problemResponses,
  },
});

export function registerAuditRoutes(deps: ApiDeps) {
  return newRouter().openapi(route, async (c) => {
    const q = c.req.valid('query');
    const page = await actingApp(deps, c).auditTrail({
      targetType: q.target_type,
      targetId: q.target_id,
      actor: q.actor,
      from: q.from === undefined ? undefined : new Date(q.from),
      to: q.to === undefined ? undefined : new Date(q.to),
      beforeId: q.cursor,
      limit: q.limit,
    });
    return c.json(
      { items: page.items.map(auditEventJson), next_cursor: encodeCursor('audit', page.next) },
      200,
    );
  });
}
