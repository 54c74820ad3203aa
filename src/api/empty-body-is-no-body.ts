// For routes whose JSON body is optional (run, preview): an empty body is no body, whatever its
// Content-Type. Clients and proxies often send `Content-Type: application/json` with nothing
// after it, and the validator would otherwise answer "Malformed JSON" to a request that asked
// for the default.
import type { MiddlewareHandler } from 'hono';

export const emptyBodyIsNoBody: MiddlewareHandler = async (c, next) => {
  if (c.req.header('content-type') !== undefined && (await c.req.text()).trim() === '') {
    // Without a Content-Type the optional-body validator takes the body as absent.
    const headers = new Headers(c.req.raw.headers);
    headers.delete('content-type');
    headers.delete('content-length');
    c.req.raw = new Request(c.req.raw.url, {
      method: c.req.method,
      headers,
      signal: c.req.raw.signal,
    });
  }
  await next();
};
