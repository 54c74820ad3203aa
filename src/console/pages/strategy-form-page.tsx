// Create and edit a strategy: one form for every field. The condition is checked as you type
// (htmx → /ui/conditions/check → the API's validator) and function names complete from the
// API's registry (console.js); the cron field lists its next five fire times. Without
// JavaScript the same checks appear after submitting.
import { problemText, type Problem } from '../api-client.ts';
import type { StrategyJson } from '../../contract/wire-types.ts';
import { field, type ConsoleApp, type ConsoleContext } from '../console-env.ts';
import {
  checkCondition,
  ConditionFeedback,
  registerConditionCheck,
  type ConditionCheck,
} from './condition-feedback.tsx';
import { FireTimes, registerFireTimes } from './fire-times.tsx';
import { base, CsrfField, ErrorBox, Layout } from './layout.tsx';
import { strategyBody, valuesOf, type FormValues } from './strategy-form-values.ts';

interface FormState {
  values: FormValues;
  error?: string;
  fieldErrors?: Record<string, string>;
  check?: ConditionCheck;
  /** The ETag of the strategy as the form was opened: the edit is saved only on top of it. */
  etag?: string;
}

// A 412 from the API: someone saved the strategy after this form was opened. The form keeps the
// tag it was opened with, so saving again is refused too until the operator reloads.
const CHANGED_SINCE_OPENED =
  'This strategy was changed by someone else since you opened it: your edits were not saved. ' +
  'Reload the page to see the current version, then make your change again.';

export function registerStrategyFormPages(app: ConsoleApp): void {
  registerConditionCheck(app);
  registerFireTimes(app);

  app.get('/strategies/new', async (c) =>
    c.html(await formPage(c, undefined, { values: valuesOf() })),
  );
  app.get('/strategies/:id{[0-9]+}/edit', async (c) => {
    const s = await c.get('api').get<StrategyJson>(`/api/v1/strategies/${c.req.param('id')}`);
    if (!s.ok) return c.redirect(`${base()}/strategies/${c.req.param('id')}`, 303);
    return c.html(await formPage(c, s.body, { values: valuesOf(s.body), etag: s.etag }));
  });

  app.post('/strategies', async (c) => save(c, undefined));
  app.post('/strategies/:id{[0-9]+}/edit', async (c) => {
    const s = await c.get('api').get<StrategyJson>(`/api/v1/strategies/${c.req.param('id')}`);
    return s.ok ? save(c, s.body) : c.redirect(`${base()}/strategies`, 303);
  });
}

async function save(c: ConsoleContext, existing: StrategyJson | undefined) {
  const values = Object.fromEntries(
    Object.keys(valuesOf()).map((k) => [k, field(c, k)]),
  ) as unknown as FormValues;
  values.enabled = field(c, 'enabled') === 'on';
  const api = c.get('api');
  const body = strategyBody(values, existing !== undefined);
  const etag = field(c, 'etag') || undefined;
  const answer = existing
    ? await api.patch<StrategyJson>(`/api/v1/strategies/${existing.id}`, body, etag)
    : await api.post<StrategyJson>('/api/v1/strategies', body);
  if (answer.ok) return c.redirect(`${base()}/strategies/${answer.body.id}?done=Saved.`, 303);
  const problem = answer.body as Problem | undefined;
  const fieldErrors: Record<string, string> = {};
  for (const e of problem?.errors ?? []) if (e.field) fieldErrors[e.field] = e.message;
  const check = values.condition ? await checkCondition(api, values.condition) : undefined;
  const error = answer.status === 412 ? CHANGED_SINCE_OPENED : problemText(answer);
  return c.html(
    await formPage(c, existing, { values, error, fieldErrors, check, etag }),
    answer.status === 403 || answer.status === 412 ? answer.status : 400,
  );
}

async function formPage(c: ConsoleContext, existing: StrategyJson | undefined, state: FormState) {
  const functions = await c
    .get('api')
    .get<{ items: { name: string; signature: string; description: string }[] }>(
      '/api/v1/conditions/functions',
    );
  const fns = functions.ok ? functions.body.items : [];
  const v = state.values;
  const err = (name: string) =>
    state.fieldErrors?.[name] ? (
      <span class="field-error" id={`${name}-error`}>
        {state.fieldErrors[name]}
      </span>
    ) : null;
  const input = (name: keyof FormValues, label: string, attrs: Record<string, string> = {}) => (
    <div class="field">
      <label for={name}>{label}</label>
      <input
        id={name}
        name={name}
        value={String(v[name])}
        aria-describedby={state.fieldErrors?.[name] ? `${name}-error` : undefined}
        {...attrs}
      />
      {err(name)}
    </div>
  );
  const title = existing ? `Edit ${existing.name}` : 'New strategy';
  const viewer = c.get('session').role !== 'admin';
  return (
    <Layout title={title} session={c.get('session')} active="strategies">
      {viewer && (
        <p class="notice">You are signed in as a viewer: the server will refuse to save.</p>
      )}
      <ErrorBox message={state.error} />
      <form
        method="post"
        action={existing ? `${base()}/strategies/${existing.id}/edit` : `${base()}/strategies`}
        class="card form"
        id="strategy-form"
      >
        <CsrfField session={c.get('session')} />
        {state.etag && <input type="hidden" name="etag" value={state.etag} />}
        {input('name', 'Name (unique)', { required: '' })}
        {input('title', 'Title', { required: '' })}
        <div class="field">
          <label for="type">Type</label>
          <select id="type" name="type">
            <option value="single" selected={v.type === 'single'}>
              single (one occurrence)
            </option>
            <option value="periodic" selected={v.type === 'periodic'}>
              periodic (cron)
            </option>
          </select>
        </div>
        {input('amount', 'Amount per grant', { inputmode: 'decimal', required: '' })}
        {input('model', 'Model (empty: the gateway default)')}
        <div class="field">
          <label for="periodic_expr">Cron expression (periodic)</label>
          <input
            id="periodic_expr"
            name="periodic_expr"
            value={v.periodic_expr}
            placeholder="0 8 * * *"
            hx-get={`${base()}/schedules/check`}
            hx-trigger="input changed delay:300ms"
            hx-include="#periodic_expr,#timezone"
            hx-target="#cron-next"
          />
          {err('periodic_expr')}
          <div id="cron-next" aria-live="polite">
            <FireTimes expression={v.periodic_expr} timeZone={v.timezone} />
          </div>
        </div>
        {input('timezone', 'Time zone (IANA; empty: the daemon default)', {
          placeholder: 'Asia/Shanghai',
        })}
        <div class="field">
          <label for="condition">Condition</label>
          <textarea
            id="condition"
            name="condition"
            rows={4}
            spellcheck={false}
            autocomplete="off"
            aria-describedby="condition-feedback"
            data-functions={JSON.stringify(
              fns.map((f) => ({ name: f.name, signature: f.signature })),
            )}
            hx-get={`${base()}/conditions/check`}
            hx-trigger="input changed delay:300ms"
            hx-target="#condition-feedback"
          >
            {v.condition}
          </textarea>
          <div id="condition-feedback" aria-live="polite">
            {state.check && <ConditionFeedback source={v.condition} check={state.check} />}
          </div>
          <details>
            <summary>Functions ({fns.length})</summary>
            <ul class="functions">
              {fns.map((f) => (
                <li>
                  <code>{f.signature}</code> — {f.description}
                </li>
              ))}
            </ul>
          </details>
        </div>
        {input('max_exec_per_user', 'Max grants per user (0: unlimited)', { inputmode: 'numeric' })}
        <div class="field">
          <label for="missed_runs">Missed runs</label>
          <select id="missed_runs" name="missed_runs">
            <option value="skip" selected={v.missed_runs === 'skip'}>
              skip (grant only the latest)
            </option>
            <option value="catch_up" selected={v.missed_runs === 'catch_up'}>
              catch up (grant each)
            </option>
          </select>
        </div>
        {input('max_catch_up', 'Max catch-up occurrences', { inputmode: 'numeric' })}
        {input('start_at', 'Start (ISO 8601 with offset, optional)', {
          placeholder: '2026-01-01T00:00:00+08:00',
        })}
        {input('end_at', 'End (ISO 8601 with offset, optional)')}
        {input('max_users_per_occurrence', 'Budget: max users per occurrence (optional)', {
          inputmode: 'numeric',
        })}
        {input('max_amount_per_occurrence', 'Budget: max amount per occurrence (optional)', {
          inputmode: 'decimal',
        })}
        {input('expires_after', 'Lots: grants expire after (P30D, PT12H, end_of_month; optional)', {
          placeholder: 'end_of_month',
        })}
        {input('expires_at', 'Lots: grants expire at (ISO 8601, single strategies; optional)')}
        {input('rollover_max', 'Lots: carry at most this much to the next period (optional)', {
          inputmode: 'decimal',
        })}
        {input('priority', 'Lots: spending priority (lower is spent first; default 0)', {
          inputmode: 'numeric',
        })}
        <div class="field check">
          <input type="checkbox" id="enabled" name="enabled" checked={v.enabled} />
          <label for="enabled">Enabled (scans grant it)</label>
        </div>
        <button type="submit">{existing ? 'Save' : 'Create'}</button>{' '}
        <a href={existing ? `${base()}/strategies/${existing.id}` : `${base()}/strategies`}>
          Cancel
        </a>
      </form>
    </Layout>
  );
}
