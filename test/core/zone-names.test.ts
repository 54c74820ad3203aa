// Zone names people mean: UTC and Area/City pass; abbreviations, POSIX rules, country aliases
// and Etc/GMT±N are refused with the zone most likely meant (both, when it is ambiguous).
import { describe, expect, it } from 'vitest';
import { ambiguousZoneProblem } from '../../src/core/zone-names.ts';

describe('ambiguous zone names', () => {
  it.each(['UTC', 'Asia/Shanghai', 'America/Chicago', 'America/Argentina/Salta', 'Asia/Calcutta'])(
    '%s is a name nobody misreads',
    (zone) => {
      expect(ambiguousZoneProblem(zone)).toBeUndefined();
    },
  );

  it.each([
    ['CST', 'Asia/Shanghai', '"Asia/Shanghai" or "America/Chicago"'],
    ['cst', 'Asia/Shanghai', '"Asia/Shanghai" or "America/Chicago"'],
    ['EST', 'America/New_York', '"America/New_York"'],
    ['PST8PDT', 'America/Los_Angeles', '"America/Los_Angeles"'],
    ['PRC', 'Asia/Shanghai', '"Asia/Shanghai"'],
    ['US/Central', 'America/Chicago', '"America/Chicago"'],
    ['GMT', 'UTC', '"UTC"'],
    ['Etc/UTC', 'UTC', '"UTC"'],
  ])('%s is refused, naming %s', (zone, suggestion, named) => {
    const problem = ambiguousZoneProblem(zone);
    expect(problem?.suggestion).toBe(suggestion);
    expect(problem?.message).toBe(
      `"${zone}" is an abbreviation or legacy name that people read differently: use ${named}`,
    );
  });

  it('explains that Etc/GMT+8 is UTC−8', () => {
    expect(ambiguousZoneProblem('Etc/GMT+8')?.message).toMatch(
      /^"Etc\/GMT\+8" is UTC−8 \(POSIX inverts the sign\)/,
    );
    expect(ambiguousZoneProblem('Etc/GMT-8')?.message).toMatch(/is UTC\+8/);
  });

  it('refuses any other name outside the areas, with the rule', () => {
    expect(ambiguousZoneProblem('Cuba')?.message).toBe(
      '"Cuba" is not a canonical IANA zone: use UTC or an Area/City name such as Asia/Shanghai or America/Chicago',
    );
    expect(ambiguousZoneProblem('Asia')?.suggestion).toBeUndefined();
  });
});
