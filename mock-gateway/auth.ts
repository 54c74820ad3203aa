// The admin-key check that guards every route of the mock, protocol and control alike.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import { envelope } from './envelope.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function adminAuth(
  header: string,
  key: string,
): MiddlewareHandler<{ Bindings: HttpBindings }> {
  // Constant-time comparison; hashing first makes the lengths equal so the length does not leak
  // either. The key's own digest is computed once, not per request.
  const expected = digest(key);
  return async (c, next) => {
    const given = c.req.header(header);
    if (given === undefined || !timingSafeEqual(digest(given), expected))
      return envelope(c, 401, `missing or wrong ${header} header`);
    await next();
  };
}
