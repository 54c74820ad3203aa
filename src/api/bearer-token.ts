// The one check of `Authorization: Bearer <token>` (admin API and /metrics). Comparing
// fixed-size digests keeps the comparison constant-time whatever the length sent.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** A checker for one expected token: true when the header carries exactly it. */
export function bearerTokenCheck(expected: string): (header: string | undefined) => boolean {
  const wanted = digest(expected);
  return (header) => {
    const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
    return match !== null && timingSafeEqual(digest(match[1]!.trim()), wanted);
  };
}
