// The daemon's HTTP server: one place that puts its parts side by side — health and metrics,
// the REST API, its OpenAPI document and reader, the web console — under the cross-cutting
// middleware (request id, access log, connection handling) and the one error funnel. No part
// mounts another: the console reaches the API only through this server's fetch, as a script would.
import { requestId } from 'hono/request-id';
import { createApi, type ApiApp } from '../api/app.ts';
import type { ApiDeps } from '../api/deps.ts';
import { errorResponse } from '../api/error-response.ts';
import { problemResponse } from '../api/problem-response.ts';
import { rateLimit } from '../api/rate-limit.ts';
import { registerDocsRoutes } from '../api/routes/docs.ts';
import { registerHealthRoutes } from '../api/routes/health.ts';
import { registerMetricsRoutes } from '../api/routes/metrics.ts';
import { newRouter } from '../api/router.ts';
import { createConsole } from '../console/console-app.tsx';
import { createMetrics } from '../metrics/metrics.ts';
import type { ConsoleSessionStore } from '../core/ports/console-sessions.ts';
import { accessLog } from './access-log.ts';
import { forwarded } from './forwarded.ts';
import { closeAfterEarlyRejection } from './close-after-early-rejection.ts';

/** What the server needs: the API's dependencies (health checks, metrics, base path included),
 * the console's session table, and what it knows of the proxies in front of it. */
export interface ServerDeps extends ApiDeps {
  consoleSessions: ConsoleSessionStore;
  /** TRUST_PROXY: proxies whose X-Forwarded-* headers are believed. */
  trustProxy?: readonly string[];
  /** PUBLIC_URL: where operators reach the daemon (its origin is the console's). */
  publicUrl?: string;
}

export function createServer(serverDeps: ServerDeps): ApiApp {
  const proxies = forwarded({
    trustProxy: serverDeps.trustProxy ?? [],
    publicUrl: serverDeps.publicUrl,
  });
  const deps: ServerDeps = { ...serverDeps, clientAddress: proxies.clientAddress };
  const server = newRouter();
  server.use('*', requestId());
  server.use('*', accessLog(deps.logger));
  server.use('*', closeAfterEarlyRejection());

  // Health: unauthenticated but limited, each call may cost a database query (the gateway probe
  // is cached).
  server.use('/readyz', rateLimit(deps.rateLimitPerMinute ?? 0, deps.clock, proxies.clientAddress));
  registerHealthRoutes(server, deps);
  registerMetricsRoutes(server, deps, deps.metrics ?? createMetrics());

  server.route('/', createApi(deps));

  // /openapi.json and the /docs page (assets served from node_modules, never a CDN): the
  // document is read off the routes mounted above.
  registerDocsRoutes(server, deps.bodyLimitBytes);

  const basePath = deps.publicBasePath ?? '';
  server.route(
    '/ui',
    createConsole({
      fetchApi: (request, env) => server.fetch(request, env),
      sessionRecords: deps.consoleSessions,
      basePath,
      clientAddress: proxies.clientAddress,
      publicOrigin: proxies.publicOrigin,
      now: () => deps.clock.now().getTime(),
    }),
  );
  server.get('/', (c) => c.redirect(`${basePath}/ui`, 302));
  // Browsers ask for /favicon.ico on every origin (the /docs page has no icon link of its own).
  server.get('/favicon.ico', (c) => c.redirect(`${basePath}/ui/assets/favicon.svg`, 301));

  server.notFound((c) =>
    problemResponse(c, 'not_found', `no route for ${c.req.method} ${c.req.path}`),
  );
  server.onError((error, c) => errorResponse(error, c, deps));
  return server;
}
