// The console's two catalogues (issue 24): the language negotiated from Accept-Language with its
// q-values, every key in both catalogues with a value that is not empty, and the pieces that
// format (instants, amounts, cron) in the language of the request.
import { describe, expect, it } from 'vitest';
import { CATALOGUES, inLanguage, t } from '../../src/console/i18n/current.ts';
import { en } from '../../src/console/i18n/en.ts';
import { langOfTag, negotiateLang } from '../../src/console/i18n/language.ts';
import { zhCN } from '../../src/console/i18n/zh-CN.ts';
import { CronText } from '../../src/console/pages/cron-words.tsx';
import { Instant } from '../../src/console/pages/instant.tsx';
import { fmtAmount, fmtTime } from '../../src/console/pages/layout.tsx';

describe('the language a browser asks for', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['zh', 'zh-CN'],
    ['zh-CN', 'zh-CN'],
    ['zh-Hans', 'zh-CN'],
    ['zh-Hans-CN', 'zh-CN'],
    ['ZH-cn', 'zh-CN'],
    ['zh-SG', 'zh-CN'],
    // Traditional Chinese is not served as Simplified: the next acceptable language wins.
    ['zh-TW', 'en'],
    ['zh-Hant,zh-CN;q=0.5', 'zh-CN'],
    ['zh-HK', 'en'],
    ['fr-FR,de;q=0.8', 'en'],
    ['fr-FR,zh;q=0.8,en;q=0.5', 'zh-CN'],
    ['en;q=0.4,zh-CN;q=0.9', 'zh-CN'],
    ['zh-CN;q=0.4,en;q=0.9', 'en'],
    ['zh-CN;q=0,en;q=0.1', 'en'],
    ['zh-CN;q=0', 'en'],
    ['zh-CN;q=0.000', 'en'],
    // Equal q: the earlier entry.
    ['zh-CN;q=0.5,en;q=0.5', 'zh-CN'],
    ['*', 'en'],
    ['*;q=0.1,zh', 'zh-CN'],
    // A q-value that is not RFC 9110's form refuses the entry rather than guessing.
    ['zh-CN;q=2,en;q=0.1', 'en'],
    ['zh-CN;q=abc', 'en'],
    [' zh-CN ; q=0.8 , en ; q=0.7 ', 'zh-CN'],
    ['\u0000zh', 'en'],
    ['中文', 'en'],
    [`${'x,'.repeat(100_000)}zh`, 'en'],
  ])('%j → %s', (header, lang) => {
    expect(negotiateLang(header)).toBe(lang);
  });

  it('reads one tag by its language, not by a prefix that happens to match', () => {
    expect(langOfTag('zhx')).toBeUndefined();
    expect(langOfTag('eng')).toBeUndefined();
    expect(langOfTag('en-GB')).toBe('en');
  });
});

/** Every leaf of a catalogue by its dotted path. */
function leaves(value: unknown, path = ''): [string, unknown][] {
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => leaves(v, path ? `${path}.${k}` : k));
  return [[path, value]];
}

/** A function value called with sample arguments of each kind it might take, as text. */
function sampleText(fn: (...args: never[]) => unknown): string {
  for (const sample of [7, 'x', true]) {
    try {
      const out = (fn as (...args: unknown[]) => unknown)(
        ...Array<unknown>(fn.length).fill(sample),
      );
      return (Array.isArray(out) ? out : [out])
        .filter((part) => typeof part === 'string' || typeof part === 'number')
        .join('');
    } catch {
      // Another kind of argument.
    }
  }
  return '';
}

describe('the catalogues', () => {
  const english = new Map(leaves(en));
  const chinese = new Map(leaves(zhCN));

  it('have the same keys', () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort());
    expect(english.size).toBeGreaterThan(300);
  });

  it.each([
    ['en', english],
    ['zh-CN', chinese],
  ])('%s has no empty value, and every function answers words', (_lang, catalogue) => {
    const empty = [...catalogue].filter(([, value]) =>
      typeof value === 'function'
        ? sampleText(value as (...args: never[]) => unknown).trim() === ''
        : typeof value !== 'string' || value.trim() === '',
    );
    expect(empty.map(([key]) => key)).toEqual([]);
  });

  it('take the same arguments in both languages', () => {
    const differ = [...english].filter(
      ([key, value]) =>
        typeof value === 'function' &&
        (value as () => unknown).length !== (chinese.get(key) as () => unknown).length,
    );
    expect(differ.map(([key]) => key)).toEqual([]);
  });

  it('translate: the Chinese words are not the English ones, but for names and symbols', () => {
    // Proper names and symbols read the same in both languages.
    const same = new Set([
      'frame.product',
      'frame.titleSuffix',
      'ledger.number',
      'users.github',
      'users.vip',
      'webhooks.url',
      'webhooks.kinds.slack',
      'common.httpStatus',
    ]);
    const untranslated = [...english].filter(
      ([key, value]) => typeof value === 'string' && !same.has(key) && chinese.get(key) === value,
    );
    expect(untranslated.map(([key]) => key)).toEqual([]);
  });

  it('are chosen by the request (English outside one)', () => {
    expect(t()).toBe(en);
    expect(inLanguage({ lang: 'zh-CN', here: '/ui' }, () => t())).toBe(zhCN);
    expect(CATALOGUES.en).toBe(en);
  });
});

/** A rendered view as HTML (Hono's JSX nodes print themselves). */
const html = (node: unknown) => String(node);

describe('formats in the language of the request', () => {
  const NOW = new Date('2026-12-07T06:05:00Z');
  const zh = <T>(run: () => T): T => inLanguage({ lang: 'zh-CN', here: '/ui' }, run);

  it('shows an instant with the Chinese date order, relative time and zone title', () => {
    const out = zh(() =>
      html(
        Instant({
          at: '2026-12-07T06:08:00.000Z',
          zone: 'Asia/Shanghai',
          zoneOf: 'strategy',
          now: NOW,
        }),
      ),
    );
    expect(out).toBe(
      '<span class="instant"><time datetime="2026-12-07T06:08:00.000Z" title="策略所在时区">2026年12月7日 14:08 Asia/Shanghai</time> <span class="relative">（3分钟后）</span></span>',
    );
  });

  it('describes a schedule in Chinese beside the expression', () => {
    expect(zh(() => html(CronText({ expression: '0 9 * * 1' })))).toBe(
      '<span class="cron"><span class="cron-words">在09:00, 仅星期一</span> <code>0 9 * * 1</code></span>',
    );
  });

  it('formats amounts and UTC times with Intl, and "once" as a word', () => {
    expect(zh(() => fmtAmount(1234567.5))).toBe('1,234,567.5');
    expect(zh(() => fmtTime('2026-12-07T06:05:09.000Z'))).toBe('2026/12/07 06:05:09 UTC');
    expect(zh(() => fmtTime('once'))).toBe('单次');
    expect(zh(() => fmtTime('not a time'))).toBe('not a time');
    expect(fmtTime('2026-12-07T06:05:09.000Z')).toBe('2026-12-07 06:05:09Z');
    expect(fmtAmount(1234567.5)).toBe('1,234,567.5');
  });
});
