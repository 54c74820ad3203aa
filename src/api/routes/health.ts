// Liveness and readiness. /healthz says the process serves HTTP; /readyz says its database
// and gateway answer (load balancers and compose healthchecks use it), and why not. The
// gateway probe is cached for a few seconds (see cached-check.ts).
import { createRoute, z } from '@hono/zod-openapi';
import type { ApiApp } from '../router.ts';
import { cachedCheck, withTimeout } from '../cached-check.ts';
import type { ApiDeps } from '../deps.ts';
import { probeNotFoundResponse } from '../../contract/schemas.ts';

const HealthSchema = z
  .object({
    status: z.literal('ok').openapi({ description: 'Always ok: the process serves HTTP' }),
  })
  .openapi('Health');
const ReadySchema = z
  .object({
    status: z
      .enum(['ok', 'unavailable'])
      .openapi({ description: 'ok when every check passed', example: 'ok' }),
    checks: z.record(z.string(), z.enum(['ok', 'failed'])).openapi({
      description: 'Each dependency (database, gateway) and whether it answered',
      example: { database: 'ok', gateway: 'ok' },
    }),
    /** Why each failed check failed (secrets redacted), e.g. the gateway URL and errno. */
    errors: z
      .record(z.string(), z.string())
      .optional()
      .openapi({
        description: 'Why each failed check failed (secrets redacted)',
        example: { gateway: 'connect ECONNREFUSED 127.0.0.1:8002' },
      }),
  })
  .openapi('Readiness');

const CHECK_TIMEOUT_MS = 3000;
/** How long one gateway probe answers for /readyz. */
export const GATEWAY_PROBE_TTL_MS = 5000;

export function registerHealthRoutes(app: ApiApp, deps: ApiDeps): void {
  const gatewayProbe = cachedCheck(
    () => deps.checks.gateway(),
    GATEWAY_PROBE_TTL_MS,
    deps.clock,
    CHECK_TIMEOUT_MS,
  );
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
      const [database, gateway] = await Promise.all([
        withTimeout(deps.checks.database(), CHECK_TIMEOUT_MS).then(
          () => ({ ok: true as const }),
          (error: unknown) => ({
            ok: false as const,
            reason: error instanceof Error ? error.message : String(error),
          }),
        ),
        gatewayProbe(),
      ]);
      const ok = database.ok && gateway.ok;
      const errors: Record<string, string> = {};
      if (!database.ok) errors.database = 'the database does not answer (details in the log)';
      if (!gateway.ok) errors.gateway = gateway.reason;
      if (!database.ok)
        deps.logger.warn('readiness: database check failed', { error: database.reason });
      const bodyJson = {
        status: ok ? ('ok' as const) : ('unavailable' as const),
        checks: {
          database: database.ok ? ('ok' as const) : ('failed' as const),
          gateway: gateway.ok ? ('ok' as const) : ('failed' as const),
        },
        ...(ok ? {} : { errors }),
      };
      return ok ? c.json(bodyJson, 200) : c.json(bodyJson, 503);
    },
  );
}
