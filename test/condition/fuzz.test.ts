// parse() must never throw and must always answer with a well-formed result, whatever arrives
// over the API: random text, random bytes, plausible token soup, and mutated valid conditions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONDITION_ERROR_CODES, format, LIMITS, parse } from '../../src/condition/index.ts';
import {
  conditionArbitrary,
  databaseVocabulary,
  hasHalfPair,
  withoutSpans,
} from './arbitraries.ts';

/** Line and column of an offset, computed independently of the library. */
function positionAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

function checkResult(text: string): void {
  let result;
  try {
    result = parse(text);
  } catch (error) {
    throw new Error(`parse threw on ${JSON.stringify(text)}: ${String(error)}`, { cause: error });
  }
  if (result.ok) {
    // Anything accepted has a canonical form that means the same.
    const again = parse(format(result.ast));
    expect(again.ok, format(result.ast)).toBe(true);
    if (again.ok) expect(withoutSpans(again.ast)).toEqual(withoutSpans(result.ast));
    return;
  }
  expect(result.errors.length).toBeGreaterThan(0);
  const lastLine = positionAt(text, text.length);
  for (const error of result.errors) {
    expect(CONDITION_ERROR_CODES).toContain(error.code);
    expect(error.message.length).toBeGreaterThan(0);
    expect(Number.isInteger(error.line) && error.line >= 1 && error.line <= lastLine.line).toBe(
      true,
    );
    expect(Number.isInteger(error.column) && error.column >= 1).toBe(true);
    expect(Number.isInteger(error.length) && error.length >= 0).toBe(true);
  }
}

const TOKENS = [
  'and',
  'or',
  'not',
  '(',
  ')',
  ',',
  ' ',
  '\n',
  'true',
  'false',
  'is-vip',
  'belong-to',
  'quota-le',
  'match-user',
  'register-before',
  'foo',
  '"x"',
  '"2024-01-01"',
  '"\\u00e9"',
  '"\\q"',
  '"open',
  "'s'",
  '1',
  '-2.5',
  '@',
  '\\',
  '""',
];

describe('string escapes and surrogate pairs', () => {
  const PIECES = [
    'a',
    '😀',
    '\\ud83d',
    '\\ude00',
    '\\uD800',
    '\\udfff',
    '\\u0041',
    '\\u0000',
    '\\n',
    '\\\\',
  ];

  it('accepts a string exactly when its escapes decode to storable characters, and keeps them', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 8 }), (pieces) => {
        const body = pieces.join('');
        // JSON has the same escapes, so it says what the literal stands for.
        const meant = JSON.parse(`"${body}"`) as string;
        const result = parse(`belong-to("${body}")`);
        expect(result.ok, body).toBe(!hasHalfPair(meant) && !meant.includes('\u0000'));
        if (result.ok) expect((result.ast.args[0] as { value: string }).value).toBe(meant);
        else
          expect(result.errors.every((e) => e.code === 'invalid_character' && e.length === 6)).toBe(
            true,
          );
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parse never throws', () => {
  it('on random Unicode text (including lone surrogates)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), checkResult), {
      numRuns: 1000,
    });
  });

  it('on random bytes read as UTF-8 and as Latin-1', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        checkResult(Buffer.from(bytes).toString('utf8'));
        checkResult(Buffer.from(bytes).toString('latin1'));
      }),
      { numRuns: 1000 },
    );
  });

  it('on token soup that reaches deep into the grammar', () => {
    const soup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 });
    fc.assert(
      fc.property(soup, (tokens) => checkResult(tokens.join(''))),
      { numRuns: 2500 },
    );
    fc.assert(
      fc.property(soup, (tokens) => checkResult(tokens.join(' '))),
      { numRuns: 2500 },
    );
  });

  it('on valid conditions with random edits', () => {
    const edit = fc.tuple(fc.nat(), fc.nat({ max: 3 }), fc.constantFrom(...TOKENS, ''));
    fc.assert(
      fc.property(
        conditionArbitrary(databaseVocabulary(5), { depth: 3, quota: true }),
        fc.array(edit, { minLength: 1, maxLength: 4 }),
        (ast, edits) => {
          let text = format(ast);
          for (const [at, remove, insert] of edits) {
            const position = at % (text.length + 1);
            text = text.slice(0, position) + insert + text.slice(position + remove);
          }
          checkResult(text);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('on inputs at and around the limits', () => {
    for (const text of [
      '('.repeat(LIMITS.maxLength),
      ')'.repeat(LIMITS.maxLength),
      'not '.repeat(LIMITS.maxLength / 4),
      'and(true(),'.repeat(900),
      '"'.repeat(LIMITS.maxLength),
      'x'.repeat(LIMITS.maxLength),
      `match-user(${'"a",'.repeat(2000)}"a")`,
      'true() or '.repeat(999) + 'true()',
      '\u0000'.repeat(LIMITS.maxLength),
      'é'.repeat(LIMITS.maxLength + 1),
    ]) {
      checkResult(text);
    }
  });
});
