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
import { z } from '@hono/zod-openapi';

/** Every keyset list of the API; a cursor of one list is refused by every other. */
export type CursorList =
  | 'strategies'
  | 'strategy-executions'
  | 'user-grants'
  | 'users'
  | 'grants'
  | 'audit'
  | 'user-lots'
  | 'expiring-lots'
  | 'webhooks'
  | 'webhook-deliveries'
  | 'preview-users';

type Key = number | string;

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

function cursorOf<T extends Key>(list: CursorList, accept: (key: Key) => key is T, exampleKey: T) {
  return z
    .string()
    .transform((cursor, ctx) => {
      const key = decodeCursor(list, cursor);
      if (key !== undefined && accept(key)) return key;
      ctx.addIssue({
        code: 'custom',
        message: INVALID_CURSOR_MESSAGE,
        params: { code: 'invalid_cursor' },
      });
      return z.NEVER;
    })
    .optional()
    .openapi({
      description:
        'The `next_cursor` of the previous page, unchanged; absent for the first page. Anything else (an edited cursor, or one of another list) answers 400 `invalid_cursor`.',
      example: encodeCursor(list, exampleKey)!,
    });
}

/** A cursor over numeric ids (positive, safe integers). */
export const idCursor = (list: CursorList) =>
  cursorOf(list, (key): key is number => Number.isSafeInteger(key) && (key as number) >= 1, 1234);

/** A cursor over text keys (user ids). */
export const textCursor = (list: CursorList) =>
  cursorOf(list, (key): key is string => typeof key === 'string' && key !== '', 'user001');

export const cursorLimit = z.coerce.number().int().min(1).max(1000).default(50).openapi({
  description: 'Rows per page (1–1000)',
  example: 50,
});

export const NextCursorSchema = z
  .string()
  .nullable()
  .openapi({
    description: 'Pass as `cursor` to get the next page; null on the last page',
    example: encodeCursor('strategies', 1234),
  });

export const cursorPageOf = <T extends z.ZodType>(item: T, what: string) =>
  z.object({
    items: z.array(item).openapi({ description: what }),
    next_cursor: NextCursorSchema,
  });

/** A keyset page that also says how many rows match in all (where counting is cheap enough). */
export const countedCursorPageOf = <T extends z.ZodType>(
  item: T,
  what: string,
  totalDescription = 'How many items match in all (every page)',
) =>
  z.object({
    items: z.array(item).openapi({ description: what }),
    next_cursor: NextCursorSchema,
    total: z.number().int().openapi({ description: totalDescription }),
  });

/**
 * The query of a list that was offset-paged: keyset `cursor` and `limit`, and `offset` for one more
 * release.
 */
export const formerlyOffsetPaging = (list: CursorList) => ({
  cursor: idCursor(list),
  limit: cursorLimit,
  offset: deprecatedOffset,
});

/**
 * `offset` as the offset-paged lists took it, kept for one release so scripts written against it
 * go on working; `cursor` wins when both are sent.
 */
export const deprecatedOffset = z.coerce
  .number()
  .int()
  .min(0)
  .max(Number.MAX_SAFE_INTEGER)
  .optional()
  .openapi({
    description:
      'Deprecated (removed in the next release): how many items to skip. Use `cursor` instead: an offset skips or repeats rows when rows are added or removed between pages. Ignored when `cursor` is sent.',
    example: 0,
    param: { deprecated: true },
  });
