// The admin-key check that guards every route of the mock, protocol and control alike.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import type { MiddlewareHandler } from 'hono';
import { envelope } from './envelope.ts';

/** Constant-time comparison; hashing first makes the lengths equal so the length does not leak either. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function adminAuth(header: string, key: string): MiddlewareHandler<{ Bindings: HttpBindings }> {
  return async (c, next) => {
    const given = c.req.header(header);
    if (given === undefined || !sameSecret(given, key)) return envelope(c, 401, `missing or wrong ${header} header`);
    await next();
  };
}
