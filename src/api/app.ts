// Builds the HTTP application from its dependencies. Reads like a table of contents: the
// cross-cutting middleware, then one line per resource.
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { timeout } from 'hono/timeout';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { AppError } from '../core/errors.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { bearerTokenCheck } from './bearer-token.ts';
import type { ApiDeps } from './deps.ts';
import { problemResponse } from './problem.ts';
import { rateLimit } from './rate-limit.ts';
import { registerConditionRoutes } from './routes/conditions.ts';
import { registerConditionExplainRoutes, registerStrategyExplainRoutes } from './routes/explain.ts';
import { registerDocsRoutes } from './routes/docs.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerMetricsRoutes } from './routes/metrics.ts';
import { registerStatsRoutes } from './routes/stats.ts';
import { registerStrategyRoutes } from './routes/strategies.ts';
import { registerPreviewRoutes } from './routes/strategy-previews.ts';
import { registerUserRoutes } from './routes/users.ts';
import { newRouter, type ApiApp, type AppEnv } from './router.ts';

export type { ApiApp } from './router.ts';

export function createApp(deps: ApiDeps): ApiApp {
  const app = newRouter();
  app.use('*', requestId());
  app.use('*', accessLog(deps));
  app.use('*', markInteractive(deps.interactive));
  registerHealthRoutes(app, deps);
  registerMetricsRoutes(app, deps, deps.metrics ?? createMetrics());

  app.use('/api/*', requireAdminToken(deps.adminToken));
  app.use('/api/*', rateLimit(deps.rateLimitPerMinute ?? 0, deps.clock));
  app.use('/api/*', requestTimeout(deps.requestTimeoutMs));
  app.use('/api/*', requireJsonBody());
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: deps.bodyLimitBytes,
      onError: (c) =>
        problemResponse(
          c,
          'payload_too_large',
          `request bodies are limited to ${deps.bodyLimitBytes} bytes`,
        ),
    }),
  );
  app.route('/api/v1/strategies', registerStrategyRoutes(deps));
  app.route('/api/v1/strategies', registerPreviewRoutes(deps));
  app.route('/api/v1/users', registerUserRoutes(deps));
  app.route('/api/v1/strategies', registerStrategyExplainRoutes(deps));
  app.route('/api/v1/conditions', registerConditionRoutes());
  app.route('/api/v1/conditions', registerConditionExplainRoutes(deps));
  app.route('/api/v1', registerStatsRoutes(deps));

  // /openapi.json and the /docs page (assets served from node_modules, never a CDN).
  registerDocsRoutes(app);

  app.notFound((c) =>
    problemResponse(c, 'not_found', `no route for ${c.req.method} ${c.req.path}`),
  );
  app.onError((error, c) => errorResponse(error, c, deps));
  return app;
}

function errorResponse(raw: Error, c: Context, deps: ApiDeps): Response {
  const error = deps.translateError ? deps.translateError(raw) : raw;
  if (error instanceof AppError) {
    if (error.code === 'database_unavailable')
      deps.logger.warn('database unavailable', {
        request_id: c.get('requestId'),
        error: raw.message,
      });
    return problemResponse(c, error.code, error.message, error.details);
  }
  if (error instanceof HTTPException && error.status < 500) {
    // Hono's validators throw these for malformed JSON bodies.
    return problemResponse(c, 'validation_failed', error.message || 'malformed request');
  }
  // The real message goes to the log only; the client gets a generic body.
  deps.logger.error('unhandled error', {
    request_id: c.get('requestId'),
    error: raw.message,
    stack: raw.stack,
  });
  return problemResponse(c, 'internal', 'An internal error occurred; the request id is in the log');
}

function accessLog(deps: ApiDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    c.header('X-Request-Id', c.get('requestId'));
    deps.logger.info('http request', {
      request_id: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      duration_ms: Math.round(performance.now() - started),
    });
  };
}

function requireAdminToken(adminToken: string): MiddlewareHandler<AppEnv> {
  const hasToken = bearerTokenCheck(adminToken);
  return async (c, next) => {
    if (!hasToken(c.req.header('authorization'))) {
      c.header('WWW-Authenticate', 'Bearer');
      return problemResponse(
        c,
        'unauthorized',
        'a valid admin token is required: Authorization: Bearer <ADMIN_TOKEN>',
      );
    }
    await next();
  };
}

/** Scans run synchronously by design and can take minutes; everything else is bounded. */
const LONG_RUNNING = /\/(scan|run|approve)$/;

/** Every request but the scan/run ones (which are the scan) is interactive work. */
function markInteractive(gate: ApiDeps['interactive']): MiddlewareHandler<AppEnv> {
  if (!gate) return async (_c, next) => next();
  return async (c, next) => {
    if (LONG_RUNNING.test(c.req.path)) return next();
    gate.begin();
    try {
      await next();
    } finally {
      gate.end();
    }
  };
}

function requestTimeout(ms: number | undefined): MiddlewareHandler<AppEnv> {
  if (!ms) return async (_c, next) => next();
  const bounded = timeout(
    ms,
    () => new AppError('request_timeout', `the request took longer than ${ms} ms`) as never,
  );
  return async (c, next) => (LONG_RUNNING.test(c.req.path) ? next() : bounded(c, next));
}

function requireJsonBody(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const method = c.req.method;
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      const length = c.req.header('content-length');
      const hasBody =
        (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
      const type = c.req.header('content-type') ?? '';
      if (hasBody && !/^application\/(.+\+)?json\b/i.test(type)) {
        return problemResponse(
          c,
          'unsupported_media_type',
          'request bodies must be application/json',
        );
      }
    }
    await next();
  };
}
