// Offsets → line/column, the single place where positions are computed. Lines break at "\n",
// "\r\n" and "\r"; columns count UTF-16 code units from 1 (what browser editors such as
// Monaco and CodeMirror use), so an error can be underlined without conversion.
import type { Span } from './ast.ts';

export interface Source {
  readonly text: string;
  /** The span of `length` characters starting at `offset` (0-based). */
  span(offset: number, length: number): Span;
  /** The span from `start` (inclusive) to `end` (exclusive). */
  range(start: number, end: number): Span;
}

export function createSource(text: string): Source {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) lineStarts.push(i + 1);
    else if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      lineStarts.push(i + 1);
    }
  }

  function span(offset: number, length: number): Span {
    // Binary search for the last line starting at or before `offset`.
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, length, line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  }

  return { text, span, range: (start, end) => span(start, end - start) };
}
