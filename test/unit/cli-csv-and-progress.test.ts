// In-process pieces of the CLI that need no database: the CSV record splitter (quotes, fields
// spanning lines, errors) and the two kinds of progress output.
import { describe, expect, it } from 'vitest';
import { CsvRecordAssembler, splitRecord } from '../../src/cli/csv.ts';
import { createProgress } from '../../src/cli/progress.ts';

describe('splitRecord', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    ['a,,', ['a', '', '']],
    ['', ['']],
    ['"a,b",c', ['a,b', 'c']],
    ['"say ""hi""",x', ['say "hi"', 'x']],
    ['"",""', ['', '']],
    [' spaced , kept ', [' spaced ', ' kept ']],
  ])('%j → %j', (text, fields) => {
    expect(splitRecord(text)).toEqual({ kind: 'fields', fields });
  });

  it.each([
    [
      'a,b"c',
      'a double quote inside unquoted field 2; quote the whole field and double the quote ("")',
    ],
    ['"a"b,c', 'unexpected text after a closing quote in field 1'],
  ])('%j is an error', (text, message) => {
    expect(splitRecord(text)).toEqual({ kind: 'error', message });
  });

  it('reports an open quote so the caller can join the next line', () => {
    expect(splitRecord('a,"b')).toEqual({ kind: 'open' });
  });
});

describe('CsvRecordAssembler', () => {
  it('joins a quoted field across lines and numbers the record by its first line', () => {
    const csv = new CsvRecordAssembler();
    expect(csv.push('x,"one', 7)).toEqual({ kind: 'more' });
    expect(csv.push('two', 8)).toEqual({ kind: 'more' });
    expect(csv.push('three",y', 9)).toEqual({
      kind: 'record',
      fields: ['x', 'one\ntwo\nthree', 'y'],
      line: 7,
    });
    expect(csv.push('next,row', 10)).toEqual({ kind: 'record', fields: ['next', 'row'], line: 10 });
    expect(csv.end()).toBeUndefined();
  });

  it('names the line of a quote that is never closed', () => {
    const csv = new CsvRecordAssembler();
    csv.push('a,"never closed', 3);
    csv.push('more', 4);
    expect(csv.end()).toEqual({
      kind: 'error',
      message: 'a quoted field opened on line 3 is never closed',
      line: 3,
    });
  });
});

function fakeIo(isTTY: boolean) {
  let out = '';
  const stream = {
    isTTY,
    write: (text: string) => {
      out += text;
      return true;
    },
  } as unknown as NodeJS.WritableStream & { isTTY: boolean };
  return { io: { stdout: stream, stderr: stream }, output: () => out };
}

describe('progress', () => {
  it('draws one bar in place on a terminal, throttled, and clears it at the end', () => {
    const { io, output } = fakeIo(true);
    let now = 0;
    const progress = createProgress(io, {
      label: 'writing',
      unit: 'users',
      total: 200,
      now: () => now,
    });
    progress.update(50);
    now += 10;
    progress.update(60); // too soon: not drawn
    now += 1000;
    progress.update(100);
    progress.update(200); // the end is always drawn
    progress.finish();
    const frames = output()
      .split('\r\u001b[2K')
      .filter((f) => f !== '');
    expect(frames).toHaveLength(3);
    expect(frames[0]).toMatch(/^writing \[######------------------\] {2}25% 50\/200 users/);
    expect(frames[1]).toMatch(/^writing \[############------------\] {2}50% 100\/200 users/);
    expect(frames[2]).toMatch(/^writing \[########################\] 100% 200\/200 users/);
    expect(output().endsWith('\r\u001b[2K')).toBe(true);
    expect(output()).not.toContain('\n');
  });

  it('prints plain lines at each tenth when not on a terminal', () => {
    const { io, output } = fakeIo(false);
    const progress = createProgress(io, { label: 'writing', unit: 'users', total: 1000 });
    for (let done = 100; done <= 1000; done += 50) progress.update(done);
    progress.finish();
    expect(output().split('\n').filter(Boolean)).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map((t) => `writing ${t * 100}/1000 users (${t * 10}%)`),
    );
  });

  it('counts without a total every `every` units', () => {
    const { io, output } = fakeIo(false);
    const progress = createProgress(io, { label: 'checking', unit: 'lines', every: 1000 });
    for (let line = 1; line <= 3500; line++) progress.update(line);
    expect(output()).toBe('checking 1000 lines\nchecking 2000 lines\nchecking 3000 lines\n');
  });
});
