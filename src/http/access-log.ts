// One log line per request (method, path, status, duration) under its request id, which every
// answer also carries in X-Request-Id.
import type { MiddlewareHandler } from 'hono';
import type { CoreLogger } from '../core/ports/runtime-services.ts';

export function accessLog(
  logger: CoreLogger,
): MiddlewareHandler<{ Variables: { requestId: string } }> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    c.header('X-Request-Id', c.get('requestId'));
    logger.info('http request', {
      request_id: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      duration_ms: Math.round(performance.now() - started),
    });
  };
}
