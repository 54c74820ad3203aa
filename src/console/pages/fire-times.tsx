// The next five fire times of a cron expression in a time zone, shown beside the cron field as
// it is typed. The API has no route for an unsaved schedule, so this reads cron-parser (the
// library the daemon's schedule uses, with its options) directly; a saved strategy's page shows
// the daemon's own answer from /stats.
import { CronExpressionParser } from 'cron-parser';
import type { ConsoleApp } from '../console-env.ts';
import { cronInWords } from './cron-words.tsx';

export function nextFireTimes(expression: string, timeZone: string, count = 5): string[] | string {
  if (expression.trim().split(/\s+/).length < 5)
    return 'a cron expression has 5 fields (minute hour day month weekday)';
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
  if (!props.expression.trim()) return <p class="hint">No cron expression (a single strategy).</p>;
  const times = nextFireTimes(props.expression, props.timeZone || 'UTC');
  if (typeof times === 'string') return <p class="bad">{times}</p>;
  const local = new Intl.DateTimeFormat('en-CA', {
    timeZone: props.timeZone || 'UTC',
    dateStyle: 'short',
    timeStyle: 'short',
    hourCycle: 'h23',
  });
  const words = cronInWords(props.expression);
  return (
    <>
      {words && (
        <p class="cron-words" data-testid="cron-words">
          {words} (<code>{props.expression}</code>)
        </p>
      )}
      <ol data-testid="cron-next">
        {times.map((t) => (
          <li>
            <time datetime={t}>{local.format(new Date(t))}</time> ({props.timeZone || 'UTC'})
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
