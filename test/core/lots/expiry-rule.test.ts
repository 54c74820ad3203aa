import { describe, expect, it } from 'vitest';
import {
  expiryInstant,
  parseExpiryRule,
  type ExpiryRule,
} from '../../../src/core/lots/expiry-rule.ts';
import { occurrenceTerms, expiryFor } from '../../../src/core/lots/lot-terms.ts';

const rule = (text: string): ExpiryRule => {
  const parsed = parseExpiryRule(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.rule;
};
const at = (iso: string) => new Date(iso);

describe('parseExpiryRule', () => {
  it.each([
    ['P30D', { kind: 'duration', days: 30, ms: 0 }],
    ['PT12H', { kind: 'duration', days: 0, ms: 12 * 3_600_000 }],
    ['P1W', { kind: 'duration', days: 7, ms: 0 }],
    ['PT1M', { kind: 'duration', days: 0, ms: 60_000 }],
    ['P1DT30M', { kind: 'duration', days: 1, ms: 1_800_000 }],
    ['end_of_month', { kind: 'boundary', boundary: 'end_of_month' }],
  ])('accepts %s', (text, expected) => {
    expect(parseExpiryRule(text)).toEqual({ ok: true, rule: expected });
  });

  it.each([
    ['PT59S', 'at least one minute (PT1M)'],
    ['PT0M', 'at least one minute (PT1M)'],
    ['P', 'expected'],
    ['PT', 'expected'],
    ['P1M', 'years and months are not accepted'],
    ['P1Y', 'years and months are not accepted'],
    ['30D', 'expected'],
    ['p30d', 'expected'],
    ['P30D\u0000', 'expected'],
    ['P٣D', 'expected'],
    ['P99999999999999999999D', 'expected'],
    ['P40000D', 'at most 36600 days'],
    ['End_of_month', 'expected'],
    ['', 'expected'],
  ])('refuses %j', (text, message) => {
    const parsed = parseExpiryRule(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });
});

describe('expiryInstant', () => {
  it('end_of_month in Asia/Shanghai is local midnight of the 1st (16:00 UTC the day before)', () => {
    expect(
      expiryInstant(rule('end_of_month'), at('2026-12-01T00:00:00Z'), 'Asia/Shanghai'),
    ).toEqual(at('2026-12-31T16:00:00Z'));
  });

  it('end_of_month in February, leap and common years', () => {
    expect(expiryInstant(rule('end_of_month'), at('2028-02-10T12:00:00Z'), 'UTC')).toEqual(
      at('2028-03-01T00:00:00Z'),
    );
    expect(expiryInstant(rule('end_of_month'), at('2027-02-28T23:59:59Z'), 'UTC')).toEqual(
      at('2027-03-01T00:00:00Z'),
    );
  });

  it('end_of_month on the last instant of a month is the next month end, not now', () => {
    expect(expiryInstant(rule('end_of_month'), at('2027-03-01T00:00:00Z'), 'UTC')).toEqual(
      at('2027-04-01T00:00:00Z'),
    );
  });

  it('end_of_day in New York on the spring-forward and fall-back days', () => {
    // 2026-03-08: clocks go 02:00 → 03:00 (EST -5 → EDT -4); the day has 23 hours.
    expect(
      expiryInstant(rule('end_of_day'), at('2026-03-08T06:00:00Z'), 'America/New_York'),
    ).toEqual(at('2026-03-09T04:00:00Z'));
    // 2026-11-01: clocks go 02:00 → 01:00; the day has 25 hours.
    expect(
      expiryInstant(rule('end_of_day'), at('2026-11-01T04:30:00Z'), 'America/New_York'),
    ).toEqual(at('2026-11-02T05:00:00Z'));
  });

  it('end_of_month in New York across the November DST change', () => {
    expect(
      expiryInstant(rule('end_of_month'), at('2026-10-15T12:00:00Z'), 'America/New_York'),
    ).toEqual(at('2026-11-01T04:00:00Z'));
    expect(
      expiryInstant(rule('end_of_month'), at('2026-11-01T04:00:00Z'), 'America/New_York'),
    ).toEqual(at('2026-12-01T05:00:00Z'));
  });

  it('end_of_week is the Monday that begins the next ISO week', () => {
    // 2026-12-07 is a Monday.
    expect(expiryInstant(rule('end_of_week'), at('2026-12-09T10:00:00Z'), 'UTC')).toEqual(
      at('2026-12-14T00:00:00Z'),
    );
  });

  it('P1D keeps the wall time across a DST change; PT24H counts elapsed hours', () => {
    const before = at('2026-03-07T15:00:00Z'); // 10:00 EST
    expect(expiryInstant(rule('P1D'), before, 'America/New_York')).toEqual(
      at('2026-03-08T14:00:00Z'),
    ); // 10:00 EDT
    expect(expiryInstant(rule('PT24H'), before, 'America/New_York')).toEqual(
      at('2026-03-08T15:00:00Z'),
    );
  });

  it('P1D from a wall time the next day skips moves forward by the gap', () => {
    const before = at('2026-03-07T07:30:00Z'); // 02:30 EST; 2026-03-08 02:30 does not exist
    expect(expiryInstant(rule('P1D'), before, 'America/New_York')).toEqual(
      at('2026-03-08T07:30:00Z'),
    ); // 03:30 EDT
  });

  it('P30D from a month end', () => {
    expect(expiryInstant(rule('P30D'), at('2027-01-31T00:00:00Z'), 'UTC')).toEqual(
      at('2027-03-02T00:00:00Z'),
    );
  });
});

describe('occurrenceTerms', () => {
  const monthly = {
    type: 'periodic' as const,
    periodicExpr: '0 0 1 * *',
    timezone: 'Asia/Shanghai',
    expiresAfter: 'end_of_month',
    expiresAt: null,
    rolloverMax: 50,
    priority: 2,
  };

  it('a monthly lot with rollover expires at month end and carries into the next month', () => {
    const terms = occurrenceTerms(monthly, '2026-11-30T16:00:00.000Z');
    expect(terms).toEqual({
      expiresAt: at('2026-12-31T16:00:00Z'),
      expiresAfter: null,
      timezone: 'Asia/Shanghai',
      priority: 2,
      rolloverMax: 50,
      carryExpiresAt: at('2027-01-31T16:00:00Z'),
    });
  });

  it('rollover without a rule expires at the next occurrence', () => {
    const terms = occurrenceTerms({ ...monthly, expiresAfter: null }, '2026-11-30T16:00:00.000Z');
    expect(terms?.expiresAt).toEqual(at('2026-12-31T16:00:00Z'));
  });

  it('a rule longer than the period still expires at the next occurrence when rolling over', () => {
    const terms = occurrenceTerms({ ...monthly, expiresAfter: 'P60D' }, '2026-11-30T16:00:00.000Z');
    expect(terms?.expiresAt).toEqual(at('2026-12-31T16:00:00Z'));
  });

  it('single strategies: an absolute expiry, or a rule counted from when the grant was applied', () => {
    const single = { ...monthly, type: 'single' as const, periodicExpr: null, rolloverMax: null };
    const relative = occurrenceTerms({ ...single, expiresAfter: 'P30D' }, 'once');
    expect(relative).toMatchObject({ expiresAt: null, expiresAfter: 'P30D', carryExpiresAt: null });
    expect(expiryFor(relative!, at('2026-12-07T00:00:00Z'))).toEqual(at('2027-01-06T00:00:00Z'));
    const absolute = occurrenceTerms(
      { ...single, expiresAfter: null, expiresAt: at('2027-01-01T00:00:00Z') },
      'once',
    );
    expect(expiryFor(absolute!, at('2026-12-07T00:00:00Z'))).toEqual(at('2027-01-01T00:00:00Z'));
  });

  it('no expiry fields: not a lot', () => {
    expect(
      occurrenceTerms({ ...monthly, expiresAfter: null, rolloverMax: null }, 'once'),
    ).toBeNull();
  });
});
