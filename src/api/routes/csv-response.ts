// CSV answers streamed page by page: a header row, then one row per item, pulled from an async
// source only as fast as the client reads (ReadableStream pull), so memory stays at one page.
import type { Context } from 'hono';

/** RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

const row = (fields: readonly string[]) => `${fields.map(csvField).join(',')}\r\n`;

export function csvStream<T>(
  c: Context,
  header: readonly string[],
  pages: AsyncIterator<T[]>,
  toRow: (item: T) => string[],
): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(row(header)));
    },
    async pull(controller) {
      const next = await pages.next();
      if (next.done === true) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(next.value.map((item) => row(toRow(item))).join('')));
    },
    async cancel() {
      await pages.return?.(undefined);
    },
  });
  return c.body(stream, 200, { 'content-type': 'text/csv; charset=utf-8' });
}
