// Per-client, per-route request limits for the admin API: a fixed one-minute window, counted
// in memory. Each replica limits on its own, which is what a limit against a runaway script
// needs; it is not a quota. Buckets are keyed on the route pattern, so /strategies/1 and
// /strategies/2 share one budget.
import type { Context, MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Clock } from '../core/clock.ts';
import { problemResponse } from './problem-response.ts';

const WINDOW_MS = 60_000;

/**
 * The bucket of a request: its route pattern (`GET /api/v1/strategies/:id`), so every spelling
 * of an id (`1`, `1.0`, `0x1`, `+1`) and every id share one budget. Requests that match no
 * route share one bucket per method.
 */
function routeKey(c: Context): string {
  const pattern = routePath(c, -1);
  return `${c.req.method} ${pattern === '' || pattern.endsWith('*') ? '(no route)' : pattern}`;
}

/**
 * `clientAddress`: the caller's address as http/forwarded.ts finds it (a trusted proxy's
 * X-Forwarded-For, else the socket's peer).
 */
export function rateLimit(
  perMinute: number,
  clock: Clock,
  clientAddress: (c: Context) => string,
): MiddlewareHandler {
  let windowStart = 0;
  let counts = new Map<string, number>();
  return async (c, next) => {
    if (perMinute <= 0) return next();
    const now = clock.now().getTime();
    if (now - windowStart >= WINDOW_MS) {
      windowStart = now - (now % WINDOW_MS);
      counts = new Map();
    }
    const key = `${clientAddress(c)} ${routeKey(c)}`;
    const used = (counts.get(key) ?? 0) + 1;
    counts.set(key, used);
    if (used > perMinute) {
      c.header(
        'Retry-After',
        String(Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000))),
      );
      return problemResponse(
        c,
        'rate_limited',
        `more than ${perMinute} requests per minute to this route; retry later`,
      );
    }
    await next();
  };
}
