// Signed-in browsers. The cookie holds only a random 256-bit session id; the database keeps the
// session (so restarts and replicas share it) under the id's SHA-256, with the API token the
// console calls the API with sealed (AES-256-GCM) under a key derived from the id. Whoever reads
// the table therefore holds neither a usable cookie nor a token, and no server-side secret has
// to be shared between replicas. The CSRF token is derived from the id the same way.
// Why not a signed cookie: it would have to hand the API token to the browser (encrypted at
// best), and sign-out could not end it.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import type { ConsoleSessionStore } from '../contract/console-sessions.ts';

export type Role = 'admin' | 'viewer';

export interface Session {
  id: string;
  token: string;
  /** The API caller the token is (GET /api/v1/me). */
  name: string;
  role: Role;
  /** Sent back in every form (and htmx header); compared in constant time. */
  csrf: string;
  expiresAt: number;
}

export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

const ID_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

const idHash = (id: string): string => createHash('sha256').update(id).digest('hex');
const sealKey = (id: string): Buffer =>
  Buffer.from(hkdfSync('sha256', id, Buffer.alloc(0), 'quota-manager console token', 32));
const csrfOf = (id: string): string =>
  createHmac('sha256', id).update('quota-manager console csrf').digest('base64url');

export function sealToken(id: string, token: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealKey(id), iv);
  const sealed = Buffer.concat([cipher.update(token, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

/** The token, or undefined when the sealed text was not made with this id (or was altered). */
export function openToken(id: string, sealed: string): string | undefined {
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey(id), bytes.subarray(0, IV_BYTES));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([
      decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** A cookie value can only be one of our ids if it is 32 bytes of base64url. */
const ID_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export class SessionStore {
  constructor(
    private readonly records: ConsoleSessionStore,
    private readonly now: () => number = Date.now,
  ) {}

  async create(token: string, caller: { name: string; role: Role }): Promise<Session> {
    const now = this.now();
    // Expired rows are of no use to anyone; dropping them here bounds the table without a timer.
    await this.records.deleteExpired(new Date(now));
    const id = randomBytes(ID_BYTES).toString('base64url');
    const expiresAt = now + SESSION_TTL_MS;
    await this.records.insert({
      idHash: idHash(id),
      callerName: caller.name,
      role: caller.role,
      sealedToken: sealToken(id, token),
      expiresAt: new Date(expiresAt),
    });
    return { id, token, ...caller, csrf: csrfOf(id), expiresAt };
  }

  async get(id: string | undefined): Promise<Session | undefined> {
    if (!id || !ID_SHAPE.test(id)) return undefined;
    const record = await this.records.find(idHash(id), new Date(this.now()));
    if (!record) return undefined;
    const token = openToken(id, record.sealedToken);
    if (token === undefined) return undefined;
    return {
      id,
      token,
      name: record.callerName,
      role: record.role,
      csrf: csrfOf(id),
      expiresAt: record.expiresAt.getTime(),
    };
  }

  async delete(id: string): Promise<void> {
    await this.records.delete(idHash(id));
  }

  /** "Sign out everywhere": every session of this caller, on every browser and replica. */
  deleteForCaller(name: string): Promise<number> {
    return this.records.deleteForCaller(name);
  }
}

export function sameSecret(a: string | undefined, b: string): boolean {
  if (typeof a !== 'string') return false;
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
