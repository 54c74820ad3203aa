// CSV records (RFC 4180: comma-separated, fields optionally in double quotes, "" inside quotes
// for a quote, quoted fields may span lines), assembled from a stream of lines so a file of any
// size is read with memory bounded by its longest record.

export type CsvStep =
  | { kind: 'record'; fields: string[]; line: number }
  | { kind: 'error'; message: string; line: number }
  | { kind: 'more' };

/** A record that never closes its quote must not swallow the rest of the file into memory. */
const MAX_RECORD_CHARS = 1_000_000;

export class CsvRecordAssembler {
  private pending: string | undefined;
  private startLine = 0;

  /** Feeds the next line (without its line break); `line` is its 1-based number. */
  push(text: string, line: number): CsvStep {
    const combined = this.pending === undefined ? text : `${this.pending}\n${text}`;
    const startLine = this.pending === undefined ? line : this.startLine;
    const parsed = splitRecord(combined);
    if (parsed.kind === 'open') {
      if (combined.length > MAX_RECORD_CHARS) {
        this.pending = undefined;
        return {
          kind: 'error',
          message: `a quoted field opened on line ${startLine} is never closed`,
          line: startLine,
        };
      }
      this.pending = combined;
      this.startLine = startLine;
      return { kind: 'more' };
    }
    this.pending = undefined;
    if (parsed.kind === 'error') return { kind: 'error', message: parsed.message, line: startLine };
    return { kind: 'record', fields: parsed.fields, line: startLine };
  }

  /** Call at end of input: an error if a quoted field is still open. */
  end(): CsvStep | undefined {
    if (this.pending === undefined) return undefined;
    this.pending = undefined;
    return {
      kind: 'error',
      message: `a quoted field opened on line ${this.startLine} is never closed`,
      line: this.startLine,
    };
  }
}

type SplitResult =
  { kind: 'fields'; fields: string[] } | { kind: 'open' } | { kind: 'error'; message: string };

export function splitRecord(text: string): SplitResult {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      // Quoted field: up to the closing quote; "" is a literal quote.
      let value = '';
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close === -1) return { kind: 'open' };
        value += text.slice(i, close);
        if (text[close + 1] === '"') {
          value += '"';
          i = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      fields.push(value);
      if (i === text.length) return { kind: 'fields', fields };
      if (text[i] !== ',')
        return {
          kind: 'error',
          message: `unexpected text after a closing quote in field ${fields.length}`,
        };
      i++;
      continue;
    }
    const comma = text.indexOf(',', i);
    const value = comma === -1 ? text.slice(i) : text.slice(i, comma);
    if (value.includes('"')) {
      return {
        kind: 'error',
        message: `a double quote inside unquoted field ${fields.length + 1}; quote the whole field and double the quote ("")`,
      };
    }
    fields.push(value);
    if (comma === -1) return { kind: 'fields', fields };
    i = comma + 1;
  }
}
