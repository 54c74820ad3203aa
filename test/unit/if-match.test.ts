// The If-Match header as a precondition (RFC 9110 §13.1.1) and the strategy tag it is compared
// with. Pure: the API's own tests (test/api/if-match.test.ts) send these over HTTP.
import { describe, expect, it } from 'vitest';
import { parseIfMatch, strategyETag } from '../../src/api/if-match.ts';
import { AppError } from '../../src/core/errors.ts';
import { matchesTag, strategyTag } from '../../src/core/model/strategy-tag.ts';
import type { Strategy } from '../../src/core/model/strategy.ts';

describe('parseIfMatch', () => {
  it.each([
    [undefined, undefined],
    ['*', '*'],
    [' * ', '*'],
    ['"7-1"', ['7-1']],
    ['"7-1", "8-2"', ['7-1', '8-2']],
    ['"7-1" ,\t"8-2"', ['7-1', '8-2']],
    ['"7-1",', ['7-1']],
    ['W/"7-1"', []],
    ['W/"7-1", "8-2"', ['8-2']],
    ['""', ['']],
  ])('%j → %j', (header, expected) => {
    expect(parseIfMatch(header)).toEqual(expected);
  });

  it.each(['', '7-1', 'abc', '"7-1" junk', '"7-1" "8-2"', 'w/"7-1"', '"unterminated', '**'])(
    '%j is a 400 naming the header',
    (header) => {
      expect(() => parseIfMatch(header)).toThrow(AppError);
      try {
        parseIfMatch(header);
      } catch (error) {
        expect(error).toMatchObject({
          code: 'validation_failed',
          details: [{ field: 'If-Match' }],
        });
      }
    },
  );
});

describe('strategy tags', () => {
  const strategy = { version: 7, updatedAt: new Date(1_768_471_200_123) } as Strategy;

  it('covers the version and the last change to the millisecond', () => {
    expect(strategyTag(strategy)).toBe('7-1768471200123');
    expect(strategyETag(strategy)).toBe('"7-1768471200123"');
    expect(strategyTag({ ...strategy, updatedAt: new Date(1_768_471_200_124) })).not.toBe(
      strategyTag(strategy),
    );
  });

  it('matches *, or a list that holds the tag; an empty list matches nothing', () => {
    expect(matchesTag(strategy, '*')).toBe(true);
    expect(matchesTag(strategy, ['1-0', '7-1768471200123'])).toBe(true);
    expect(matchesTag(strategy, ['7-1768471200122'])).toBe(false);
    expect(matchesTag(strategy, [])).toBe(false);
  });
});
