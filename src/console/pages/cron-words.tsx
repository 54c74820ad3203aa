// A cron expression in words beside the expression itself ("At 09:00, only on Monday",
// "在 09:00, 仅星期一"), in the request's language (cronstrue's own locales).
import cronstrue from 'cronstrue/i18n.js';
import { currentLang } from '../i18n/current.ts';
import type { Lang } from '../i18n/language.ts';

// cronstrue is CommonJS typed with a default export: Node's ES module loader hands over
// module.exports, whose `default` is the describer class; a CommonJS loader (tsx outside the
// package) hands over the class itself.
type Describer = typeof cronstrue.default;
const loaded = cronstrue as unknown as Describer & { default?: Describer };
const describer = loaded.default ?? loaded;

/** The languages the console can describe a schedule in (cronstrue's locale names). */
export const CRON_LANGS = ['en', 'zh_CN'] as const;
export type CronLang = (typeof CRON_LANGS)[number];

/** cronstrue's locale for a console language. */
export const cronLangOf = (lang: Lang): CronLang => (lang === 'zh-CN' ? 'zh_CN' : 'en');

/** The expression in words, or undefined when cronstrue cannot read it (the caller says so). */
export function cronInWords(expression: string, lang: CronLang = 'en'): string | undefined {
  try {
    return describer.toString(expression, {
      locale: lang,
      use24HourTimeFormat: true,
      throwExceptionOnParseError: true,
    });
  } catch {
    return undefined;
  }
}

export function CronText(props: { expression: string | null; lang?: CronLang }) {
  if (!props.expression) return <span>—</span>;
  const words = cronInWords(props.expression, props.lang ?? cronLangOf(currentLang()));
  return (
    <span class="cron">
      {words && <span class="cron-words">{words}</span>} <code>{props.expression}</code>
    </span>
  );
}
