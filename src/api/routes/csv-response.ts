// CSV answers streamed page by page: a header row, then one row per item, pulled from an async
// source only as fast as the client reads (ReadableStream pull), so memory stays at one page.
import type { Context } from 'hono';
import { csvLine, type CsvValue } from '../../contract/csv-cell.ts';

export function csvStream<T>(
  c: Context,
  header: readonly string[],
  pages: AsyncIterator<T[]>,
  toRow: (item: T) => readonly CsvValue[],
): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(header)));
    },
    async pull(controller) {
      const next = await pages.next();
      if (next.done === true) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(next.value.map((item) => csvLine(toRow(item))).join('')));
    },
    async cancel() {
      await pages.return?.(undefined);
    },
  });
  return c.body(stream, 200, { 'content-type': 'text/csv; charset=utf-8' });
}
