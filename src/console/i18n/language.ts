// Which language a console page is in: the operator's choice (the qm_lang cookie, set by the
// switch in the page frame) or else the browser's Accept-Language, honouring its q-values.
// Any Chinese tag the console can serve in Simplified script (zh, zh-CN, zh-Hans, zh-SG, …)
// reads as zh-CN; Traditional Chinese (zh-TW, zh-HK, zh-Hant) is not offered, so it falls
// through to the next language the browser accepts, and English is the default.

export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Lang = (typeof LANGUAGES)[number];

export const DEFAULT_LANG: Lang = 'en';

/** The cookie that keeps the operator's choice (SameSite=Lax, under the console's path). */
export const LANG_COOKIE = 'qm_lang';

export const isLang = (value: unknown): value is Lang =>
  typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

/** Traditional script or a region that writes it: not the Simplified catalogue. */
const TRADITIONAL = /^zh-(hant|tw|hk|mo)(-|$)/;

/** The console language a single language tag asks for, if any. */
export function langOfTag(tag: string): Lang | undefined {
  const lower = tag.trim().toLowerCase();
  if (lower === 'en' || lower.startsWith('en-')) return 'en';
  if (lower === 'zh' || (lower.startsWith('zh-') && !TRADITIONAL.test(lower))) return 'zh-CN';
  return undefined;
}

/** A q-value as RFC 9110 writes it (0 to 1, three decimals at most); anything else is 1. */
function quality(params: string[]): number {
  for (const param of params) {
    const [name, value] = param.split('=').map((s) => s.trim());
    if (name?.toLowerCase() !== 'q') continue;
    if (!value || !/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value)) return 0;
    return Number(value);
  }
  return 1;
}

/**
 * The best console language for an Accept-Language header: the highest q-value that names one
 * (q=0 refuses a language; `*` accepts the default), ties going to the earlier entry.
 */
export function negotiateLang(header: string | undefined): Lang {
  if (!header) return DEFAULT_LANG;
  let best: { lang: Lang; q: number } | undefined;
  // A header is small; one absurdly long is read no further than a browser would ever send.
  for (const entry of header.slice(0, 4096).split(',')) {
    const [tag = '', ...params] = entry.split(';');
    const q = quality(params);
    if (q <= 0) continue;
    const lang = tag.trim() === '*' ? DEFAULT_LANG : langOfTag(tag);
    if (lang && (!best || q > best.q)) best = { lang, q };
  }
  return best?.lang ?? DEFAULT_LANG;
}

/** The locale Intl formats numbers, dates and relative times in for a console language. */
export const intlLocale = (lang: Lang): string => (lang === 'en' ? 'en-US' : 'zh-CN');
