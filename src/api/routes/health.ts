// Liveness and readiness. /healthz says the process serves HTTP; /readyz says its database
// and gateway answer (load balancers and compose healthchecks use it).
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp } from '../router.ts';
import type { ApiDeps } from '../deps.ts';
import { probeNotFoundResponse } from '../schemas.ts';

const HealthSchema = z.object({ status: z.literal('ok') }).openapi('Health');
const ReadySchema = z
  .object({
    status: z.enum(['ok', 'unavailable']),
    checks: z.record(z.string(), z.enum(['ok', 'failed'])),
  })
  .openapi('Readiness');

const CHECK_TIMEOUT_MS = 3000;

export function registerHealthRoutes(app: ApiApp, deps: ApiDeps): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      operationId: 'checkLiveness',
      tags: ['health'],
      summary: 'Liveness',
      security: [],
      responses: {
        200: { content: { 'application/json': { schema: HealthSchema } }, description: 'Alive' },
        ...probeNotFoundResponse('/healthz'),
      },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      operationId: 'checkReadiness',
      tags: ['health'],
      summary: 'Readiness (database and gateway)',
      security: [],
      responses: {
        200: { content: { 'application/json': { schema: ReadySchema } }, description: 'Ready' },
        503: {
          content: { 'application/json': { schema: ReadySchema } },
          description: 'A dependency is down',
        },
        ...probeNotFoundResponse('/readyz'),
      },
    }),
    async (c) => {
      const probe = async (check: () => Promise<void>) => {
        try {
          await Promise.race([
            check(),
            new Promise((_, reject) =>
              setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS).unref(),
            ),
          ]);
          return 'ok' as const;
        } catch {
          return 'failed' as const;
        }
      };
      const [database, gateway] = await Promise.all([
        probe(deps.checks.database),
        probe(deps.checks.gateway),
      ]);
      const ok = database === 'ok' && gateway === 'ok';
      const bodyJson = {
        status: ok ? ('ok' as const) : ('unavailable' as const),
        checks: { database, gateway },
      };
      return ok ? c.json(bodyJson, 200) : c.json(bodyJson, 503);
    },
  );
}
