// "Did you mean …?" suggestions: one edit-distance rule (core/closest-name.ts) behind condition
// function names, strategy names on the command line and strategy time zones.
import { describe, expect, it } from 'vitest';
import { closestName } from '../../src/core/closest-name.ts';
import { AppError } from '../../src/core/errors.ts';
import { withDefaults, type StrategyFields } from '../../src/core/model/strategy.ts';
import { suggestTimeZone } from '../../src/core/time-zone.ts';
import { assertValidStrategy } from '../../src/core/use-cases/strategy-rules.ts';

describe('closestName', () => {
  const names = ['vip-reward', 'stargazer-daily-reward', 'low-quota-top-up'];
  it.each([
    ['vip-rewrad', 'vip-reward'],
    ['VIP-REWARD', 'vip-reward'],
    ['vipreward', 'vip-reward'],
    ['stargazer-daly-reward', 'stargazer-daily-reward'],
    ['low-quota-topup', 'low-quota-top-up'],
    ['monthly-reset', undefined],
    ['', undefined],
    ['x'.repeat(1000), undefined],
  ])('%s → %s', (input, expected) => {
    expect(closestName(input, names)).toBe(expected);
  });
});

describe('time zones', () => {
  it.each([
    ['Asia/Shangai', 'Asia/Shanghai'],
    ['europe/berlin', 'Europe/Berlin'],
    ['America/New_Yrok', 'America/New_York'],
    ['utc', 'UTC'],
    ['Mars/Olympus_Mons', undefined],
  ])('%s → %s', (input, expected) => {
    expect(suggestTimeZone(input)).toBe(expected);
  });

  it('a strategy with a mistyped zone is refused with the suggestion, as text and as a field', () => {
    const fields: StrategyFields = withDefaults(
      { name: 'n', title: 't', type: 'periodic', amount: 1, condition: 'true()' },
      'Asia/Shangai',
    );
    fields.periodicExpr = '0 8 * * *';
    let error: unknown;
    try {
      assertValidStrategy(fields);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).details).toEqual([
      {
        field: 'timezone',
        code: 'unknown_time_zone',
        message: 'unknown IANA time zone "Asia/Shangai" (did you mean "Asia/Shanghai"?)',
        suggestion: 'Asia/Shanghai',
      },
    ]);
  });
});
