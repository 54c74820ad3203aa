// A cron expression in words ("At 08:00, only on Monday"), in English or Chinese, as the schedule
// preview answers it. cronstrue reads the fields only; the zone is said beside it by the caller.
import cronstrue from 'cronstrue/i18n.js';

// cronstrue is CommonJS typed with a default export: Node's ES module loader hands over
// module.exports, whose `default` is the describer class; a CommonJS loader (tsx outside the
// package) hands over the class itself.
type Describer = typeof cronstrue.default;
const loaded = cronstrue as unknown as Describer & { default?: Describer };
const describer = loaded.default ?? loaded;

/** The languages a schedule can be described in (cronstrue's locale names). */
export const CRON_WORD_LANGS = ['en', 'zh_CN'] as const;
export type CronWordLang = (typeof CRON_WORD_LANGS)[number];

/** The expression in words, or null when cronstrue cannot read one the schedule accepts. */
export function cronInWords(expression: string, lang: CronWordLang = 'en'): string | null {
  try {
    return describer.toString(expression, {
      locale: lang,
      use24HourTimeFormat: true,
      throwExceptionOnParseError: true,
    });
  } catch {
    return null;
  }
}
