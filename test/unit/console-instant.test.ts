// The console's one time format (issue 24): an instant in a named zone to the minute, how far
// from now, and a <time datetime>, as a pure function of its data (no browser, no clock).
import { describe, expect, it } from 'vitest';
import { Instant, relativeTime } from '../../src/console/pages/instant.tsx';
import { wallClock } from '../../src/console/pages/clock-text.ts';
import { CronText, cronInWords } from '../../src/console/pages/cron-words.tsx';

const NOW = new Date('2026-12-07T06:05:00Z');
const html = (node: unknown) => String(node);

describe('Instant', () => {
  it('renders the wall clock in the zone, the relative time and a machine-readable datetime', () => {
    const out = html(
      Instant({
        at: '2026-12-07T06:08:00.000Z',
        zone: 'Asia/Shanghai',
        zoneOf: 'strategy',
        now: NOW,
      }),
    );
    expect(out).toBe(
      '<span class="instant"><time datetime="2026-12-07T06:08:00.000Z" title="in the strategy&#39;s time zone">2026-12-07 14:08 Asia/Shanghai</time> <span class="relative">(in 3 minutes)</span></span>',
    );
  });

  it('says whose zone it is, and crosses the date line of the zone, not of UTC', () => {
    const out = html(
      Instant({ at: '2026-12-06T23:30:00Z', zone: 'America/New_York', zoneOf: 'daemon', now: NOW }),
    );
    expect(out).toContain('2026-12-06 18:30 America/New_York');
    expect(out).toContain('daemon&#39;s time zone');
    expect(out).toContain('(6 hours ago)');
  });

  it.each([
    [null, '<span>—</span>'],
    [undefined, '<span>—</span>'],
    ['', '<span>—</span>'],
    ['not a time <b>', '<span>not a time &lt;b&gt;</span>'],
  ])('shows %j as %s without inventing a time', (at, expected) => {
    expect(html(Instant({ at, zone: 'UTC', zoneOf: 'daemon', now: NOW }))).toBe(expected);
  });

  it('reads a Date as well as an ISO string', () => {
    expect(html(Instant({ at: NOW, zone: 'UTC', zoneOf: 'daemon', now: NOW }))).toContain(
      '2026-12-07 06:05 UTC</time> <span class="relative">(now)</span>',
    );
  });
});

describe('wallClock', () => {
  it('writes the date the Chinese way in Chinese, still to the minute and in the named zone', () => {
    expect(wallClock(new Date('2026-12-07T16:00:00Z'), 'Asia/Shanghai', 'zh-CN')).toBe(
      '2026年12月8日 00:00 Asia/Shanghai',
    );
    expect(wallClock(new Date('2026-03-09T00:00:00Z'), 'Mars/Olympus_Mons', 'zh-CN')).toBe(
      '2026年3月9日 00:00 UTC',
    );
  });

  it('shows an unknown zone as UTC, labelled so, instead of failing the page', () => {
    expect(wallClock(new Date('2026-12-07T16:00:00Z'), 'Mars/Olympus_Mons')).toBe(
      '2026-12-07 16:00 UTC',
    );
  });

  it('keeps each zone’s and each language’s format apart when they are reused', () => {
    const at = new Date('2026-12-07T16:00:00Z');
    for (let round = 0; round < 2; round++) {
      expect(wallClock(at, 'Asia/Shanghai')).toBe('2026-12-08 00:00 Asia/Shanghai');
      expect(wallClock(at, 'America/New_York')).toBe('2026-12-07 11:00 America/New_York');
      expect(wallClock(at, 'America/New_York', 'zh-CN')).toBe(
        '2026年12月7日 11:00 America/New_York',
      );
      expect(wallClock(at, 'Mars/Olympus_Mons', 'zh-CN')).toBe('2026年12月7日 16:00 UTC');
    }
  });

  it('uses 00, not 24, for midnight', () => {
    expect(wallClock(new Date('2026-12-07T16:00:00Z'), 'Asia/Shanghai')).toBe(
      '2026-12-08 00:00 Asia/Shanghai',
    );
  });
});

describe('relativeTime', () => {
  it.each([
    [0, 'now'],
    [59_000, 'now'],
    [-59_000, 'now'],
    [60_000, 'in 1 minute'],
    [3 * 60_000 + 59_000, 'in 3 minutes'],
    [-2 * 3_600_000, '2 hours ago'],
    [47 * 3_600_000, 'in 47 hours'],
    [-48 * 3_600_000, '2 days ago'],
    [-86_400_000 - 3_600_000, '25 hours ago'],
    [400 * 86_400_000, 'in 400 days'],
  ])('%i ms from now is %s', (offset, expected) => {
    expect(relativeTime(new Date(NOW.getTime() + offset), NOW)).toBe(expected);
  });

  it.each([
    [0, '现在'],
    [3 * 60_000 + 59_000, '3分钟后'],
    [-2 * 3_600_000, '2小时前'],
    // Always a count, never 昨天/前天: the rounding reads the same as in English.
    [-48 * 3_600_000, '2天前'],
  ])('%i ms from now is %s in Chinese', (offset, expected) => {
    expect(relativeTime(new Date(NOW.getTime() + offset), NOW, 'zh-CN')).toBe(expected);
  });
});

describe('cron in words', () => {
  it.each([
    ['0 9 * * 1', 'en', 'At 09:00, only on Monday'],
    ['0 9 * * 1', 'zh_CN', '在09:00, 仅星期一'],
    ['*/5 * * * *', 'en', 'Every 5 minutes'],
  ] as const)('%s in %s is %s', (expression, lang, words) => {
    expect(cronInWords(expression, lang)).toBe(words);
  });

  it('has no words for what is not cron, and shows the expression anyway', () => {
    expect(cronInWords('every day')).toBeNull();
    expect(html(CronText({ expression: 'every day' }))).toBe(
      '<span class="cron"> <code>every day</code></span>',
    );
  });

  it('shows words next to the raw expression, and a dash for a single strategy', () => {
    expect(html(CronText({ expression: '0 0 1 * *' }))).toBe(
      '<span class="cron"><span class="cron-words">At 00:00, on day 1 of the month</span> <code>0 0 1 * *</code></span>',
    );
    expect(html(CronText({ expression: null }))).toBe('<span>—</span>');
  });
});
