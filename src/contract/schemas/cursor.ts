// The zod side of keyset cursors (the codec and why it is what it is: core/keyset-cursor.ts):
// query parameters that decode a cursor of one list or answer 400 invalid_cursor, and the page
// shapes that carry next_cursor.
import { z } from '@hono/zod-openapi';
import {
  decodeCursor,
  encodeCursor,
  INVALID_CURSOR_MESSAGE,
  type CursorList,
  type Key,
} from '../../core/keyset-cursor.ts';

export { encodeCursor, type CursorList };

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
