// What the condition editor shows under the condition: valid (with the canonical form), or each
// error at its line and column with the source line and the faulty span marked. The same
// fragment answers htmx while typing and renders inside the form after a refused submit.
import type { ApiClient, Problem } from '../api-client.ts';
import type { ConsoleApp } from '../console-env.ts';

type ConditionError = NonNullable<Problem['errors']>[number];

export interface ConditionCheck {
  valid: boolean;
  canonical?: string;
  errors: ConditionError[];
}

export async function checkCondition(
  api: ApiClient,
  condition: string,
): Promise<ConditionCheck | undefined> {
  const answer = await api.post<ConditionCheck>('/api/v1/conditions/validate', { condition });
  if (!answer.ok) return undefined;
  return answer.body;
}

export function ConditionFeedback(props: { source: string; check?: ConditionCheck }) {
  const { check, source } = props;
  if (!check) return <p class="hint">The condition could not be checked.</p>;
  if (check.valid)
    return (
      <p class="good" data-testid="condition-valid">
        Valid
        {check.canonical && check.canonical !== source.trim() ? (
          <>
            {' '}
            — reads as <code>{check.canonical}</code>
          </>
        ) : null}
      </p>
    );
  const lines = source.split('\n');
  return (
    <ul class="condition-errors" data-testid="condition-errors">
      {check.errors.map((e) => {
        const line = e.line !== undefined ? lines[e.line - 1] : undefined;
        const start = (e.column ?? 1) - 1;
        const end = start + Math.max(1, e.length ?? 1);
        return (
          <li>
            <strong data-testid="condition-error-position">
              {e.line !== undefined
                ? `line ${e.line}, column ${e.column}`
                : (e.field ?? 'condition')}
            </strong>
            : <span data-testid="condition-error-message">{e.message}</span>
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
    if (!source.trim()) return c.html(<p class="hint">Write a condition, e.g. is-vip(1).</p>);
    return c.html(
      <ConditionFeedback source={source} check={await checkCondition(c.get('api'), source)} />,
    );
  });
}
