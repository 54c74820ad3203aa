// Cross-site request forgery: every state-changing request must carry the session's token (a
// hidden form field, or the X-CSRF-Token header htmx sends) AND must not come from another
// origin (Origin, or Referer when a browser omits Origin). Either check alone would refuse a
// forged post that has no token and a missing or foreign Origin; both together also survive a
// leaked token or a proxy that strips Origin. SameSite=Strict on the cookie is a third layer.
import type { Context } from 'hono';
import { sameSecret, type Session } from './sessions.ts';

export type OriginVerdict = 'same' | 'foreign' | 'absent';

/** `own`: the origin the browser is on, which behind a TLS-terminating proxy is not the URL's. */
export function requestOrigin(c: Context, own: string): OriginVerdict {
  const origin = c.req.header('origin');
  if (origin && origin !== 'null') return origin === own ? 'same' : 'foreign';
  if (origin === 'null') return 'foreign'; // sandboxed frames and some cross-origin redirects
  const referer = c.req.header('referer');
  if (!referer) return 'absent';
  try {
    return new URL(referer).origin === own ? 'same' : 'foreign';
  } catch {
    return 'foreign';
  }
}

/** Why a post is refused (a key of the catalogues' csrf words), or undefined when it may proceed. */
export type CsrfRefusal = 'foreign' | 'missingToken';

export function csrfRefusal(
  c: Context,
  session: Session,
  formToken: string | undefined,
  own: string,
): CsrfRefusal | undefined {
  if (requestOrigin(c, own) === 'foreign') return 'foreign';
  const token = formToken ?? c.req.header('x-csrf-token');
  if (!sameSecret(token, session.csrf)) return 'missingToken';
  return undefined;
}
