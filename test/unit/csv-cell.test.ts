// Issue 23: one CSV cell as every export writes it. Text that a spreadsheet would read as a
// formula (a leading = + - @, tab or carriage return: OWASP "CSV Injection") is prefixed with a
// single quote and quoted; our own numbers stay numbers, negative ones included.
import { describe, expect, it } from 'vitest';
import { csvField, csvLine } from '../../src/contract/csv-cell.ts';

describe('csvField', () => {
  it.each([
    ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
    ['+1', `"'+1"`],
    ['-1+1', `"'-1+1"`],
    ['@SUM(A1:A9)', `"'@SUM(A1:A9)"`],
    ['\t=1', `"'\t=1"`],
    ['\rcmd', `"'\rcmd"`],
    ['=', `"'="`],
  ])('neutralises the text %j as %s', (text, cell) => {
    expect(csvField(text)).toBe(cell);
  });

  it.each([
    ['plain', 'plain'],
    ['', ''],
    ['a=b', 'a=b'],
    ["'quoted", "'quoted"],
    [' =1', ' =1'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['2026-01-16T00:00:00.000Z', '2026-01-16T00:00:00.000Z'],
  ])('leaves harmless text %j as RFC 4180 writes it: %s', (text, cell) => {
    expect(csvField(text)).toBe(cell);
  });

  it.each([
    [-5, '-5'],
    [-0.25, '-0.25'],
    [3, '3'],
    [true, 'true'],
    [null, ''],
    [undefined, ''],
  ])('writes our own value %j as is: %s', (value, cell) => {
    expect(csvField(value)).toBe(cell);
  });

  it('writes a Date as its ISO instant', () => {
    expect(csvField(new Date('2026-01-16T00:00:00Z'))).toBe('2026-01-16T00:00:00.000Z');
  });

  it('ends a line with CRLF', () => {
    expect(csvLine(['-1+1', -1, null, 'ok'])).toBe(`"'-1+1",-1,,ok\r\n`);
  });
});
