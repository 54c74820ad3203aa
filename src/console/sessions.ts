// Signed-in browsers. Sessions live in this process's memory, keyed by a random id that is the
// only thing the cookie holds. Why not an HMAC-signed cookie: the session must carry the API
// token the console calls the API with, and a signed cookie would have to hand that secret to
// the browser (encrypted at best); here it never leaves the server, and sign-out really ends the
// session. The cost: a restart signs everyone out, and behind several replicas a browser needs
// sticky routing (or signs in again) — acceptable for an operator console.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export type Role = 'admin' | 'viewer';

export interface Session {
  id: string;
  token: string;
  role: Role;
  /** Sent back in every form (and htmx header); compared in constant time. */
  csrf: string;
  expiresAt: number;
}

export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;
/** A bound on memory: beyond this many live sessions the oldest is dropped. */
const MAX_SESSIONS = 1000;

export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => number = Date.now) {}

  create(token: string, role: Role): Session {
    this.sweep();
    if (this.sessions.size >= MAX_SESSIONS) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    const session: Session = {
      id: randomBytes(32).toString('base64url'),
      token,
      role,
      csrf: randomBytes(32).toString('base64url'),
      expiresAt: this.now() + SESSION_TTL_MS,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session;
  }

  delete(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, session] of this.sessions)
      if (session.expiresAt <= now) this.sessions.delete(id);
  }
}

export function sameSecret(a: string | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
