// The next five fire times of a cron expression in a time zone, shown beside the cron field as
// it is typed. The API has no route for an unsaved schedule, so this reads cron-parser (the
// library the daemon's schedule uses, with its options) directly; a saved strategy's page shows
// the daemon's own answer from /stats.
import { CronExpressionParser } from 'cron-parser';
import type { ConsoleApp } from '../console-env.ts';
import { cronInWords, cronLangOf } from './cron-words.tsx';
import { currentLang, t } from '../i18n/current.ts';
import { intlLocale } from '../i18n/language.ts';

export function nextFireTimes(expression: string, timeZone: string, count = 5): string[] | string {
  if (expression.trim().split(/\s+/).length < 5) return t().form.cronFields;
  try {
    const cron = CronExpressionParser.parse(expression, {
      tz: timeZone,
      strict: false,
      currentDate: new Date(),
    });
    return cron.take(count).map((d) => d.toISOString() ?? '');
  } catch (error) {
    return (error as Error).message;
  }
}

export function FireTimes(props: { expression: string; timeZone: string }) {
  if (!props.expression.trim()) return <p class="hint">{t().form.noCron}</p>;
  const times = nextFireTimes(props.expression, props.timeZone || 'UTC');
  // cron-parser's own message for an expression it cannot read is in English.
  if (typeof times === 'string')
    return (
      <p class="bad" lang={times === t().form.cronFields ? undefined : 'en'}>
        {times}
      </p>
    );
  const lang = currentLang();
  const local = new Intl.DateTimeFormat(lang === 'en' ? 'en-CA' : intlLocale(lang), {
    timeZone: props.timeZone || 'UTC',
    dateStyle: 'short',
    timeStyle: 'short',
    hourCycle: 'h23',
  });
  const words = cronInWords(props.expression, cronLangOf(lang));
  return (
    <>
      {words && (
        <p class="cron-words" data-testid="cron-words">
          {words} (<code>{props.expression}</code>)
        </p>
      )}
      <ol data-testid="cron-next">
        {times.map((at) => (
          <li>
            <time datetime={at}>{local.format(new Date(at))}</time>{' '}
            {t().common.parenthesized(props.timeZone || 'UTC')}
          </li>
        ))}
      </ol>
    </>
  );
}

export function registerFireTimes(app: ConsoleApp): void {
  app.get('/schedules/check', (c) =>
    c.html(
      <FireTimes
        expression={c.req.query('periodic_expr') ?? ''}
        timeZone={c.req.query('timezone') ?? ''}
      />,
    ),
  );
}
