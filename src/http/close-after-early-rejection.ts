// A connection-level courtesy for the whole server, not only the API.
import type { MiddlewareHandler } from 'hono';

/** Answers sent before the request body was read (or while it was still arriving). */
const EARLY_REJECTIONS = new Set([401, 413, 415, 429]);

/**
 * An early rejection leaves the request body unread on the socket; keeping the connection
 * alive would then make the client's next request on it fail. Saying `Connection: close` makes
 * the server close it cleanly after the answer, and the client opens a new one.
 */
export function closeAfterEarlyRejection(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    const length = c.req.header('content-length');
    const hasBody =
      (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
    if (hasBody && EARLY_REJECTIONS.has(c.res.status)) c.header('Connection', 'close');
  };
}
