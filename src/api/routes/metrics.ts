// GET /metrics — Prometheus exposition of the app's own registry. Open by default (like most
// exporters, it carries counts and timings, no user data); when ApiDeps.metricsToken is set (the
// METRICS_TOKEN setting) it requires `Authorization: Bearer <token>` (Prometheus:
// `authorization: { credentials }`).
import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../core/errors.ts';
import type { Metrics } from '../../metrics/metrics.ts';
import { bearerTokenCheck } from '../bearer-token.ts';
import type { ApiApp } from '../router.ts';
import type { ApiDeps } from '../deps.ts';
import { ProblemSchema } from '../../contract/schemas.ts';

const EXAMPLE = `# HELP quota_manager_grants_total Grant delivery outcomes written to the ledger, by status (applied, failed, unknown)
# TYPE quota_manager_grants_total counter
quota_manager_grants_total{status="applied"} 1250
quota_manager_grants_total{status="failed"} 3
`;

const route = createRoute({
  method: 'get',
  path: '/metrics',
  operationId: 'getMetrics',
  tags: ['operations'],
  summary: 'Prometheus metrics',
  description:
    'Prometheus text format: scans, users matched, grants by status, gateway latency, ledger backlog, ' +
    'last successful run per strategy, process metrics. No token is needed unless the daemon is ' +
    'configured with `METRICS_TOKEN`; then send `Authorization: Bearer <METRICS_TOKEN>`.',
  security: [],
  responses: {
    200: {
      description: 'The metrics',
      content: { 'text/plain': { schema: z.string().openapi({ example: EXAMPLE }) } },
    },
    401: {
      description: 'A metrics token is configured and the request lacks it',
      content: { 'application/problem+json': { schema: ProblemSchema } },
    },
  },
});

export function registerMetricsRoutes(app: ApiApp, deps: ApiDeps, metrics: Metrics): void {
  const hasToken = deps.metricsToken ? bearerTokenCheck(deps.metricsToken) : undefined;
  app.openapi(route, async (c) => {
    if (hasToken && !hasToken(c.req.header('authorization'))) {
      c.header('WWW-Authenticate', 'Bearer');
      throw new AppError(
        'unauthorized',
        'this endpoint requires the metrics token: Authorization: Bearer <token>',
      );
    }
    const { contentType, body } = await metrics.render();
    return c.text(body, 200, { 'content-type': contentType });
  });
}
