// The cron field's fire times are a view of the daemon's schedule preview: rendered without a
// browser, from the API's JSON (the route itself is tested in test/api/schedule-preview.test.ts).
import { describe, expect, it } from 'vitest';
import { FireTimes } from '../../src/console/pages/fire-times.tsx';
import { fireTime } from '../../src/console/pages/clock-text.ts';
import { inLanguage } from '../../src/console/i18n/current.ts';

const render = async (expression: string, answer: Parameters<typeof FireTimes>[0]['answer']) =>
  String(await (<FireTimes expression={expression} answer={answer} />));

describe('FireTimes', () => {
  it('lists each fire time on the zone’s wall clock with its offset, the UTC instant kept', async () => {
    const html = await render('30 2 * * *', {
      kind: 'preview',
      preview: {
        cron: '30 2 * * *',
        timezone: 'America/New_York',
        description: 'At 02:30',
        fire_times: [
          { at: '2026-03-08T07:30:00.000Z', local: '2026-03-08T03:30:00-04:00' },
          { at: '2026-03-09T06:30:00.000Z', local: '2026-03-09T02:30:00-04:00' },
        ],
      },
    });
    expect(html).toContain('At 02:30');
    expect(html).toContain(
      '<time datetime="2026-03-08T07:30:00.000Z" title="2026-03-08T07:30:00.000Z (UTC)">2026-03-08 03:30 -04:00</time> (America/New_York)',
    );
  });

  it('marks the cron field at fault', async () => {
    const html = await render('0 8 * 13 *', {
      kind: 'problem',
      problem: {
        field: 'cron',
        code: 'invalid_cron',
        column: 7,
        length: 2,
        message: 'invalid cron expression: month',
      },
    });
    expect(html).toContain('data-code="invalid_cron"');
    expect(html).toContain('0 8 * <mark>13</mark> *');
  });

  it('names the zone likely meant', async () => {
    const html = await render('0 8 * * *', {
      kind: 'problem',
      problem: {
        field: 'timezone',
        code: 'ambiguous_time_zone',
        message: '"CST" is an abbreviation',
        suggestion: 'Asia/Shanghai',
      },
    });
    expect(html).toContain('Time zone: ');
    expect(html).toContain('(use <code>Asia/Shanghai</code>)');
    expect(html).not.toContain('<mark>');
  });

  it('escapes what the operator typed', async () => {
    const html = await render('<b>x</b> * * * *', {
      kind: 'problem',
      problem: { field: 'cron', column: 1, length: 8, message: 'invalid' },
    });
    expect(html).not.toContain('<b>');
  });
});

describe('FireTimes in Chinese', () => {
  const preview = {
    kind: 'preview' as const,
    preview: {
      cron: '0 8 * * 1',
      timezone: 'Asia/Shanghai',
      description: 'At 08:00, only on Monday',
      fire_times: [
        { at: '2026-03-09T00:00:00.000Z', local: '2026-03-09T08:00:00+08:00' },
        { at: '2026-03-16T00:00:00.000Z', local: '2026-03-16T08:00:00+08:00' },
      ],
    },
  };

  it('writes each fire time as a Chinese date with the offset in force, the UTC instant kept', async () => {
    const html = await inLanguage({ lang: 'zh-CN', here: '/ui/strategies/new' }, () =>
      render('0 8 * * 1', preview),
    );
    expect(html).toContain(
      '<time datetime="2026-03-09T00:00:00.000Z" title="2026-03-09T00:00:00.000Z (UTC)">2026年3月9日 08:00 (UTC+8)</time> （Asia/Shanghai）',
    );
    expect(html).toContain('2026年3月16日 08:00 (UTC+8)');
    expect(html).not.toContain('2026-03-09 08:00');
  });

  it('keeps the English style in English', async () => {
    expect(await render('0 8 * * 1', preview)).toContain(
      '2026-03-09 08:00 +08:00</time> (Asia/Shanghai)',
    );
  });
});

describe('fireTime', () => {
  it.each([
    ['2026-03-08T03:30:00-04:00', 'en', '2026-03-08 03:30 -04:00'],
    ['2026-03-08T03:30:00-04:00', 'zh-CN', '2026年3月8日 03:30 (UTC-4)'],
    ['2026-10-04T02:30:00+05:30', 'zh-CN', '2026年10月4日 02:30 (UTC+5:30)'],
    ['2026-12-31T23:59:00+00:00', 'zh-CN', '2026年12月31日 23:59 (UTC+0)'],
    // What is not a fire time from the daemon is shown as it came, in either language.
    ['tomorrow', 'zh-CN', 'tomorrow'],
    ['2026-13-45T99:00:00+08:00', 'zh-CN', '2026-13-45T99:00:00+08:00'],
  ] as const)('%s in %s is %s', (local, lang, expected) => {
    expect(fireTime(local, lang)).toBe(expected);
  });
});
