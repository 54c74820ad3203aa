// Keyset cursors: opaque to clients (base64url of the last row's key), so the key can change
// without breaking them. A cursor that does not decode is a 400, not an empty page.
import { z } from '@hono/zod-openapi';

export const encodeCursor = (key: string | number | null): string | null =>
  key === null ? null : Buffer.from(String(key), 'utf8').toString('base64url');

const decoded = (cursor: string) => Buffer.from(cursor, 'base64url').toString('utf8');

/** A cursor over numeric ids. */
export const idCursor = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,40}$/, { error: 'not a cursor this API returned' })
  .transform((cursor, ctx) => {
    const id = Number(decoded(cursor));
    if (!Number.isSafeInteger(id) || id < 1) {
      ctx.addIssue({ code: 'custom', message: 'not a cursor this API returned' });
      return z.NEVER;
    }
    return id;
  })
  .optional()
  .openapi({
    description: 'The `next_cursor` of the previous page; absent for the first page',
    example: 'MTIzNA',
  });

/** A cursor over text ids (users). */
export const textCursor = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,700}$/, { error: 'not a cursor this API returned' })
  .transform(decoded)
  .optional()
  .openapi({
    description: 'The `next_cursor` of the previous page; absent for the first page',
    example: 'dXNlcjAwMQ',
  });

export const cursorLimit = z.coerce.number().int().min(1).max(1000).default(50).openapi({
  description: 'Rows per page (1–1000)',
  example: 50,
});

export const NextCursorSchema = z.string().nullable().openapi({
  description: 'Pass as `cursor` to get the next page; null on the last page',
  example: 'MTIzNA',
});

export const cursorPageOf = <T extends z.ZodType>(item: T, what: string) =>
  z.object({
    items: z.array(item).openapi({ description: what }),
    next_cursor: NextCursorSchema,
  });
