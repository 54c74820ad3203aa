// Which changes of a strategy make a new version (src/core/model/strategy-version.ts): every
// field that decides who is granted what, when or how; not the name, the title or `enabled`.
import { describe, expect, it } from 'vitest';
import { withDefaults, type StrategyFields } from '../../src/core/model/strategy.ts';
import {
  makesNewVersion,
  NEW_VERSION_ON_CHANGE,
  unversionedFields,
} from '../../src/core/model/strategy-version.ts';

const base: StrategyFields = withDefaults(
  {
    name: 'reward',
    title: 'Reward',
    type: 'periodic',
    amount: 5,
    condition: 'is-vip(1)',
    periodicExpr: '0 8 * * *',
    startAt: new Date('2026-01-01T00:00:00Z'),
    enabled: true,
  },
  'UTC',
);

describe('makesNewVersion', () => {
  it.each<[keyof StrategyFields, unknown]>([
    ['condition', 'is-vip(2)'],
    ['timezone', 'Asia/Shanghai'],
    ['maxExecPerUser', 1],
    ['amount', 6],
    ['mode', 'top_up'],
    ['model', 'gpt-4o'],
    ['type', 'single'],
    ['periodicExpr', '0 9 * * *'],
    ['startAt', new Date('2026-01-02T00:00:00Z')],
    ['startAt', null],
    ['endAt', new Date('2027-01-01T00:00:00Z')],
    ['missedRuns', 'catch_up'],
    ['maxCatchUp', 3],
    ['maxUsersPerOccurrence', 100],
    ['maxAmountPerOccurrence', 100],
  ])('a change of %s makes one', (field, value) => {
    expect(makesNewVersion(base, { ...base, [field]: value })).toBe(true);
  });

  it.each<[keyof StrategyFields, unknown]>([
    ['name', 'renamed'],
    ['title', 'A better title'],
    ['enabled', false],
  ])('a change of %s does not', (field, value) => {
    expect(makesNewVersion(base, { ...base, [field]: value })).toBe(false);
  });

  it('the same values do not, an equal date in another object included', () => {
    expect(makesNewVersion(base, { ...base, startAt: new Date(base.startAt!.getTime()) })).toBe(
      false,
    );
  });

  it('the unversioned fields are exactly those the table marks false', () => {
    const unversioned = Object.entries(NEW_VERSION_ON_CHANGE)
      .filter(([, versioned]) => !versioned)
      .map(([key]) => key);
    expect(Object.keys(unversionedFields(base)).sort()).toEqual(unversioned.sort());
    expect(unversionedFields({ ...base, title: 'T', enabled: false })).toEqual({
      name: 'reward',
      title: 'T',
      enabled: false,
    });
    // Every field of a strategy is classified (the type says so too).
    expect(Object.keys(NEW_VERSION_ON_CHANGE).sort()).toEqual(Object.keys(base).sort());
  });
});
