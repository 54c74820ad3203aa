// Keyset cursors: opaque to clients, so the key behind them can change without breaking them, and
// tamper-evident, so an edited, truncated or borrowed cursor is a 400 `invalid_cursor` instead of
// a page from somewhere unexpected.
//
// A cursor is `<payload>.<tag>`: the payload is base64url JSON `[list, key]` (the list it belongs
// to and the last row's key there); the tag is a truncated SHA-256 of the payload under a fixed
// domain string. The tag is a checksum, not a secret: a client able to forge one gains nothing,
// since a cursor only names a position in a list the caller may already read page by page (every
// page is authorised and filtered afresh). Keeping it keyless lets every replica, and a restarted
// daemon, accept every cursor any of them handed out.
import { createHash } from 'node:crypto';

/** Every keyset list of the API; a cursor of one list is refused by every other. */
export type CursorList =
  | 'strategies'
  | 'strategy-executions'
  | 'lot-expiries'
  | 'user-grants'
  | 'users'
  | 'grants'
  | 'audit'
  | 'user-lots'
  | 'expiring-lots'
  | 'webhooks'
  | 'webhook-deliveries'
  | 'preview-users';

export type Key = number | string;

const DOMAIN = 'quota-manager keyset cursor v1\n';
const TAG_BYTES = 12;
/** Long enough for the longest text key (a 128-character user id, JSON-escaped) with room. */
const MAX_CURSOR_LENGTH = 2048;
export const INVALID_CURSOR_MESSAGE = 'not a cursor this API returned for this list';

const tagOf = (payload: string) =>
  createHash('sha256')
    .update(DOMAIN + payload)
    .digest()
    .subarray(0, TAG_BYTES)
    .toString('base64url');

/** The cursor that continues `list` after the row whose key is `key`; null at the end. */
export function encodeCursor(list: CursorList, key: Key | null): string | null {
  if (key === null) return null;
  const payload = Buffer.from(JSON.stringify([list, key]), 'utf8').toString('base64url');
  return `${payload}.${tagOf(payload)}`;
}

/** The key inside a cursor of `list`, or undefined when it is not one this API made for `list`. */
export function decodeCursor(list: CursorList, cursor: string): Key | undefined {
  if (cursor.length > MAX_CURSOR_LENGTH) return undefined;
  const match = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(cursor);
  if (!match || match[2] !== tagOf(match[1]!)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(match[1]!, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || parsed[0] !== list) return undefined;
  const key: unknown = parsed[1];
  return typeof key === 'number' || typeof key === 'string' ? key : undefined;
}
