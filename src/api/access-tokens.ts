// Named admin-API tokens and their roles. Tokens are configured by their SHA-256 (config
// `admin_tokens`, env ADMIN_TOKENS) or, for ADMIN_TOKEN, in clear and hashed here, so the
// daemon never needs to keep a token itself. A presented token is hashed and compared with
// every configured digest in constant time (timingSafeEqual over fixed-size digests, and no
// early exit), so neither the length nor the position of a match leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';

export const ROLES = ['admin', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface NamedToken {
  name: string;
  role: Role;
  /** Hex SHA-256 of the token. */
  tokenSha256: string;
}

export interface Caller {
  name: string;
  role: Role;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

/** ADMIN_TOKEN keeps working: it is the admin token named "admin". */
export function adminTokenEntry(adminToken: string): NamedToken {
  return { name: 'admin', role: 'admin', tokenSha256: sha256(adminToken).toString('hex') };
}

/** A resolver from a presented token to its caller, or null when it matches none. */
export function tokenResolver(tokens: readonly NamedToken[]): (token: string) => Caller | null {
  const known = tokens.map((t) => ({
    caller: { name: t.name, role: t.role },
    digest: Buffer.from(t.tokenSha256, 'hex'),
  }));
  return (token) => {
    const digest = sha256(token);
    let found: Caller | null = null;
    for (const entry of known) {
      if (timingSafeEqual(digest, entry.digest) && found === null) found = entry.caller;
    }
    return found;
  };
}

/**
 * What a viewer may do: read (GET, HEAD), and the requests that only compute an answer —
 * previews, explanations and condition validation. Everything else changes something.
 */
export function viewerMayCall(method: string, path: string): boolean {
  if (method === 'GET' || method === 'HEAD') return true;
  if (method !== 'POST') return false;
  return /\/(preview|explain)(\/|$)/.test(path) || /\/conditions\/validate$/.test(path);
}
