// What the condition editor shows under the condition: valid (with the canonical form), or each
// error at its line and column with the source line and the faulty span marked. The same
// fragment answers htmx while typing and renders inside the form after a refused submit.
import type { ApiClient, PostAnswer } from '../api-client.ts';
import type { ConsoleApp } from '../console-env.ts';
import { t } from '../i18n/current.ts';

// The errors' messages are the condition parser's, as the API answers them: English, like every
// problem the API writes (one language for scripts and logs); the console translates only its own
// framing (the position, "Valid", the hints).

export type ConditionCheck = PostAnswer<'/api/v1/conditions/validate'>;

export async function checkCondition(
  api: ApiClient,
  condition: string,
): Promise<ConditionCheck | undefined> {
  const answer = await api.post('/api/v1/conditions/validate', { condition });
  if (!answer.ok) return undefined;
  return answer.body;
}

export function ConditionFeedback(props: { source: string; check?: ConditionCheck }) {
  const { check, source } = props;
  const m = t().condition;
  if (!check) return <p class="hint">{m.notChecked}</p>;
  if (check.valid)
    return (
      <p class="good" data-testid="condition-valid">
        {m.valid}
        {check.canonical && check.canonical !== source.trim() ? (
          <>
            {m.readsAs}
            <code>{check.canonical}</code>
          </>
        ) : null}
      </p>
    );
  const lines = source.split('\n');
  return (
    <ul class="condition-errors" data-testid="condition-errors">
      {(check.errors ?? []).map((e) => {
        const line = e.line !== undefined ? lines[e.line - 1] : undefined;
        const start = (e.column ?? 1) - 1;
        const end = start + Math.max(1, e.length ?? 1);
        return (
          <li>
            <strong data-testid="condition-error-position">
              {e.line !== undefined
                ? m.position(e.line, e.column ?? 1)
                : (e.field ?? m.conditionField)}
            </strong>
            {t().common.colon}
            <span data-testid="condition-error-message" lang="en">
              {e.message}
            </span>
            {line !== undefined && (
              <pre class="code excerpt">
                {line.slice(0, start)}
                <mark>{line.slice(start, end) || ' '}</mark>
                {line.slice(end)}
              </pre>
            )}
          </li>
        );
      })}
    </ul>
  );
}

export function registerConditionCheck(app: ConsoleApp): void {
  // A read (no side effects), so a GET: htmx calls it as you type, with no CSRF token needed.
  app.get('/conditions/check', async (c) => {
    const source = c.req.query('condition') ?? '';
    if (!source.trim())
      return c.html(<p class="hint">{t().condition.writeOne(<code>is-vip(1)</code>)}</p>);
    return c.html(
      <ConditionFeedback source={source} check={await checkCondition(c.get('api'), source)} />,
    );
  });
}
