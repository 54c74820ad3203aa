// The REST API under /api/v1, built from its dependencies. Reads like a table of contents: the
// guards, then the resources (resources.ts: one table that mounts and types them).
import type { Context, MiddlewareHandler } from 'hono';
import { timeout } from 'hono/timeout';
import { AppError } from '../core/errors.ts';
import { bearerToken } from './bearer-token.ts';
import { adminTokenEntry, tokenResolver, viewerMayCall } from './access-tokens.ts';
import type { ApiDeps } from './deps.ts';
import { problemResponse } from './problem-response.ts';
import { rateLimit } from './rate-limit.ts';
import { registerGithubHookRoutes } from './routes/github-hook.ts';
import { newRouter, type ApiApp, type AppEnv } from './router.ts';
import { API_RESOURCES } from './resources.ts';
import { bodySizeLimit } from './body-size-limit.ts';

export type { ApiApp } from './router.ts';

/** Everything under /api: its guards (rate limit, token, UTF-8 path, interactive gate, timeout,
 * JSON body, body limit), then every resource of resources.ts. http/server.ts mounts it. */
export function createApi(deps: ApiDeps): ApiApp {
  const app = newRouter();
  // The limit comes before authentication, so failed logins count against it too.
  app.use(
    '/api/*',
    rateLimit(deps.rateLimitPerMinute ?? 0, deps.clock, deps.clientAddress ?? (() => 'local')),
  );
  // Signed by GitHub instead of carrying a token: mounted before the token check.
  app.route('/api/v1/hooks/github', registerGithubHookRoutes(deps));
  app.use('/api/*', requireAdminToken(deps));
  app.use('/api/*', requireUtf8Path());
  // Only authenticated API work makes scans yield: not health checks, scrapes or refused calls.
  app.use('/api/*', markInteractive(deps.interactive));
  app.use('/api/*', requestTimeout(deps.requestTimeoutMs));
  app.use('/api/*', requireJsonBody());
  app.use('/api/*', bodySizeLimit(deps.bodyLimitBytes));
  for (const [prefix, register] of API_RESOURCES) app.route(prefix, register(deps));

  return app;
}

/** `Authorization: Bearer <token>`, or `X-Admin-Token: <token>` as proxies of this ecosystem send it. */
function presentedToken(c: Context): string | undefined {
  return (
    bearerToken(c.req.header('authorization')) ??
    (c.req.header('x-admin-token')?.trim() || undefined)
  );
}

function requireAdminToken(deps: ApiDeps): MiddlewareHandler<AppEnv> {
  const resolve = tokenResolver([
    ...(deps.adminToken === undefined ? [] : [adminTokenEntry(deps.adminToken)]),
    ...(deps.namedTokens ?? []),
  ]);
  return async (c, next) => {
    const presented = presentedToken(c);
    const caller = presented === undefined ? null : resolve(presented);
    if (caller === null) {
      c.header('WWW-Authenticate', 'Bearer');
      return problemResponse(
        c,
        'unauthorized',
        'a valid admin token is required: Authorization: Bearer <ADMIN_TOKEN>',
      );
    }
    if (caller.role === 'viewer' && !viewerMayCall(c.req.method, c.req.path)) {
      return problemResponse(
        c,
        'forbidden',
        `token "${caller.name}" has the viewer role: it may read, preview, explain and validate only`,
      );
    }
    c.set('caller', caller);
    await next();
  };
}

/**
 * Percent sequences that do not decode to UTF-8 (`%FF`, or `%ED%A0%80`: half a surrogate pair)
 * would otherwise reach the handlers as literal text: stored as ids nobody can type, or, in a
 * query, searched for as the characters `%ED…` instead of being refused.
 */
function requireUtf8Path(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const url = new URL(c.req.url);
    for (const [field, raw, separator] of [
      ['path', url.pathname, '/'],
      ['query', url.search.slice(1), /[&=]/],
    ] as const) {
      try {
        for (const part of raw.split(separator)) decodeURIComponent(part);
      } catch {
        return problemResponse(c, 'validation_failed', 'The request is not valid', [
          { field, message: `percent-encoded characters in the ${field} must be UTF-8` },
        ]);
      }
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
  const bounded =
    ms === undefined || ms === 0
      ? null
      : timeout(
          ms,
          () => new AppError('request_timeout', `the request took longer than ${ms} ms`) as never,
        );
  return async (c, next) => {
    // hono's timeout answers 503 but leaves the handler running: this signal stops its work
    // (previews, explanations: their gateway reads and pages), as does a client that left.
    const timedOut = new AbortController();
    c.set('signal', AbortSignal.any([timedOut.signal, c.req.raw.signal]));
    if (bounded === null || LONG_RUNNING.test(c.req.path)) return next();
    try {
      await bounded(c, next);
    } catch (error) {
      timedOut.abort();
      throw error;
    }
  };
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
