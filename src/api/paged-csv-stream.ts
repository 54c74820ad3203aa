// CSV answers: a header row, then rows pulled page by page from a keyset query, so memory stays
// flat whatever the number of rows (the next page is read only when the client has taken the
// previous one: ReadableStream's pull is driven by the consumer).
import { csvLine, type CsvValue } from '../contract/csv-cell.ts';

/**
 * A stream of `header` then every row of every page. `page(cursor)` returns rows and the next
 * cursor (null at the end).
 */
export function csvStream<Row, Cursor>(
  header: readonly string[],
  toFields: (row: Row) => readonly CsvValue[],
  page: (cursor: Cursor | undefined) => Promise<{ items: Row[]; next: Cursor | null }>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: Cursor | undefined;
  let started = false;
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(csvLine(header)));
          return;
        }
        if (done) return;
        const { items, next } = await page(cursor);
        if (items.length > 0)
          controller.enqueue(encoder.encode(items.map((r) => csvLine(toFields(r))).join('')));
        if (next === null) {
          done = true;
          controller.close();
        } else cursor = next;
      },
    },
    // One chunk (a page) buffered ahead at most.
    { highWaterMark: 1 },
  );
}

export const wantsCsv = (accept: string | undefined) => /\btext\/csv\b/i.test(accept ?? '');
