// A cron expression in words beside the expression itself ("At 09:00, only on Monday",
// "在 09:00, 仅星期一"), in the request's language (cronstrue's own locales).
import { cronInWords, type CronWordLang } from '../../contract/cron-words.ts';
import { currentLang } from '../i18n/current.ts';
import type { Lang } from '../i18n/language.ts';

export { cronInWords };

/** cronstrue's locale for a console language. */
export const cronLangOf = (lang: Lang): CronWordLang => (lang === 'zh-CN' ? 'zh_CN' : 'en');

export function CronText(props: { expression: string | null; lang?: CronWordLang }) {
  if (!props.expression) return <span>—</span>;
  const words = cronInWords(props.expression, props.lang ?? cronLangOf(currentLang()));
  return (
    <span class="cron">
      {words && <span class="cron-words">{words}</span>} <code>{props.expression}</code>
    </span>
  );
}
