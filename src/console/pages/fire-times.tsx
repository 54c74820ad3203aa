// The next five fire times of a cron expression in a time zone, shown beside the cron field: the
// daemon's own answer (GET /api/v1/schedule/preview, the rules a saved strategy follows — the
// daylight-saving rule, no `H`, zone names nobody misreads), asked when the form is rendered
// and, with JavaScript, again as the cron or the zone is typed (htmx → /ui/schedules/check).
import type { ApiClient } from '../api-client.ts';
import type { ConsoleApp } from '../console-env.ts';
import type { SchedulePreviewJson } from '../api-types.ts';
import { cronInWords, cronLangOf } from './cron-words.tsx';
import { fireTime } from './clock-text.ts';
import { currentLang, t } from '../i18n/current.ts';

interface ScheduleProblem {
  field?: string;
  code?: string;
  column?: number;
  length?: number;
  message: string;
  suggestion?: string;
}

export type ScheduleAnswer =
  | { kind: 'none' }
  | { kind: 'preview'; preview: SchedulePreviewJson }
  | { kind: 'problem'; problem: ScheduleProblem }
  | { kind: 'unavailable'; status: number };

/** The daemon's preview of `expression` in `timeZone` (empty: the daemon's default zone). */
export async function schedulePreview(
  api: ApiClient,
  expression: string,
  timeZone: string,
): Promise<ScheduleAnswer> {
  if (!expression.trim()) return { kind: 'none' };
  const answer = await api.get('/api/v1/schedule/preview', {
    query: { cron: expression, timezone: timeZone, count: 5 },
  });
  if (answer.ok) return { kind: 'preview', preview: answer.body };
  const problem = (answer.body as { errors?: ScheduleProblem[] } | undefined)?.errors?.[0];
  return answer.status === 400 && problem
    ? { kind: 'problem', problem }
    : { kind: 'unavailable', status: answer.status };
}

/** The expression with the cron field at fault marked, as the condition editor marks its errors. */
function Marked(props: { expression: string; column: number; length: number }) {
  const start = props.column - 1;
  const end = start + Math.max(props.length, 1);
  return (
    <code data-testid="cron-error-at">
      {props.expression.slice(0, start)}
      <mark>{props.expression.slice(start, end)}</mark>
      {props.expression.slice(end)}
    </code>
  );
}

function Problem(props: { expression: string; problem: ScheduleProblem }) {
  const { problem } = props;
  const where =
    problem.field === 'cron' && problem.column !== undefined ? (
      <Marked expression={props.expression} column={problem.column} length={problem.length ?? 1} />
    ) : null;
  return (
    <p class="bad" data-testid="cron-problem" data-code={problem.code}>
      {problem.field === 'timezone' ? t().form.schedule.timeZoneAt : ''}
      <span lang="en">{problem.message}</span>
      {problem.suggestion &&
        problem.field === 'timezone' &&
        t().form.schedule.useZone(<code>{problem.suggestion}</code>)}
      {where && <> {where}</>}
    </p>
  );
}

export function FireTimes(props: { expression: string; answer: ScheduleAnswer }) {
  const { answer } = props;
  if (answer.kind === 'none') return <p class="hint">{t().form.noCron}</p>;
  if (answer.kind === 'problem')
    return <Problem expression={props.expression} problem={answer.problem} />;
  if (answer.kind === 'unavailable')
    return <p class="hint">{t().form.schedule.unavailable(answer.status)}</p>;
  const { preview } = answer;
  // The daemon describes a schedule in English; the console says it in the reader's language
  // when cronstrue can, and shows the daemon's English words otherwise.
  const lang = currentLang();
  const words = cronInWords(preview.cron, cronLangOf(lang));
  return (
    <>
      {(words ?? preview.description) && (
        <p class="cron-words" data-testid="cron-words">
          {words ?? <span lang="en">{preview.description}</span>} (<code>{preview.cron}</code>)
        </p>
      )}
      <ol data-testid="cron-next">
        {preview.fire_times.map((fire) => (
          <li>
            <time datetime={fire.at} title={`${fire.at} (UTC)`}>
              {fireTime(fire.local, lang)}
            </time>{' '}
            {t().common.parenthesized(preview.timezone)}
          </li>
        ))}
      </ol>
    </>
  );
}

export function registerFireTimes(app: ConsoleApp): void {
  app.get('/schedules/check', async (c) => {
    const expression = c.req.query('periodic_expr') ?? '';
    const answer = await schedulePreview(c.get('api'), expression, c.req.query('timezone') ?? '');
    return c.html(<FireTimes expression={expression} answer={answer} />);
  });
}
