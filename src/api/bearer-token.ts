// The one check of an admin or metrics token (`Authorization: Bearer <token>`; the admin API
// also takes `X-Admin-Token`). Comparing fixed-size digests keeps the comparison constant-time
// whatever the length sent.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** The token of an `Authorization: Bearer <token>` header, if it is one. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return match ? match[1]!.trim() : undefined;
}

/** A checker for one expected token: true when the token presented is exactly it. */
export function tokenCheck(expected: string): (token: string | undefined) => boolean {
  const wanted = digest(expected);
  return (token) => token !== undefined && timingSafeEqual(digest(token), wanted);
}

/** A checker for one expected token: true when the header carries exactly it. */
export function bearerTokenCheck(expected: string): (header: string | undefined) => boolean {
  const matches = tokenCheck(expected);
  return (header) => matches(bearerToken(header));
}
