// Create and edit a strategy: one form for every field of the strategy field table, in its
// order (strategy-form-fields.tsx renders each by its kind). The condition is checked as you type
// (htmx → /ui/conditions/check → the API's validator) and function names complete from the
// API's registry (console.js); the cron field lists its next five fire times, the daemon's own
// answer (GET /api/v1/schedule/preview), refreshed as the cron or the zone changes. Without
// JavaScript the same checks appear after submitting.
import { problemText, type PostBody, type Problem } from '../api-client.ts';
import type { StrategyJson } from '../api-types.ts';
import { field, type ConsoleApp, type ConsoleContext } from '../console-env.ts';
import { strategyFieldEntries, type FieldSpec } from '../../contract/strategy-wire.ts';
import {
  checkCondition,
  registerConditionCheck,
  type ConditionCheck,
} from './condition-feedback.tsx';
import { registerFireTimes, schedulePreview } from './fire-times.tsx';
import { base, CsrfField, ErrorBox, Layout } from './layout.tsx';
import { notice, withNotices } from './notices.tsx';
import { AmountField, ConditionField, CronField, PlainField } from './strategy-form-fields.tsx';
import { strategyBody, valuesFromForm, valuesOf, type FormValues } from './strategy-form-values.ts';
import { t } from '../i18n/current.ts';

interface FormState {
  values: FormValues;
  error?: string;
  fieldErrors?: Record<string, string>;
  check?: ConditionCheck;
  /** The ETag of the strategy as the form was opened: the edit is saved only on top of it. */
  etag?: string;
}

export function registerStrategyFormPages(app: ConsoleApp): void {
  registerConditionCheck(app);
  registerFireTimes(app);

  app.get('/strategies/new', async (c) =>
    c.html(await formPage(c, undefined, { values: valuesOf() })),
  );
  app.get('/strategies/:id{[0-9]+}/edit', async (c) => {
    const s = await c
      .get('api')
      .get('/api/v1/strategies/:id', { param: { id: c.req.param('id') } });
    if (!s.ok) return c.redirect(`${base()}/strategies/${c.req.param('id')}`, 303);
    return c.html(await formPage(c, s.body, { values: valuesOf(s.body), etag: s.etag }));
  });

  app.post('/strategies', async (c) => save(c, undefined));
  app.post('/strategies/:id{[0-9]+}/edit', async (c) => {
    const s = await c
      .get('api')
      .get('/api/v1/strategies/:id', { param: { id: c.req.param('id') } });
    return s.ok ? save(c, s.body) : c.redirect(`${base()}/strategies`, 303);
  });
}

async function save(c: ConsoleContext, existing: StrategyJson | undefined) {
  const values = valuesFromForm((name) => field(c, name));
  const api = c.get('api');
  const body = strategyBody(values, existing !== undefined);
  const etag = field(c, 'etag') || undefined;
  const answer = existing
    ? await api.patch('/api/v1/strategies/:id', { id: existing.id }, body, etag)
    : // Built from the field table (strategy-wire.ts) out of what the form sent: the API's
      // validation, not this type, decides whether it is a strategy.
      await api.post('/api/v1/strategies', body as PostBody<'/api/v1/strategies'>);
  if (answer.ok)
    return c.redirect(withNotices(`${base()}/strategies/${answer.body.id}`, notice('saved')), 303);
  const problem = answer.body as Problem | undefined;
  const fieldErrors: Record<string, string> = {};
  for (const e of problem?.errors ?? []) if (e.field) fieldErrors[e.field] = e.message;
  const check = values.condition ? await checkCondition(api, values.condition) : undefined;
  // A 412 from the API: someone saved the strategy after this form was opened. The form keeps
  // the tag it was opened with, so saving again is refused too until the operator reloads.
  const error = answer.status === 412 ? t().form.changedSinceOpened : problemText(answer);
  return c.html(
    await formPage(c, existing, { values, error, fieldErrors, check, etag }),
    answer.status === 403 || answer.status === 412 ? answer.status : 400,
  );
}

async function formPage(c: ConsoleContext, existing: StrategyJson | undefined, state: FormState) {
  const functions = await c.get('api').get('/api/v1/conditions/functions');
  const fns = functions.ok ? functions.body.items : [];
  const values = state.values as Record<string, string | boolean>;
  const schedule = await schedulePreview(
    c.get('api'),
    String(values.periodic_expr ?? ''),
    String(values.timezone ?? ''),
  );
  const m = t().form;
  const title = existing ? m.editTitle(existing.name) : m.newTitle;
  const viewer = c.get('session').role !== 'admin';
  const fieldInput = (spec: FieldSpec) => {
    const props = { spec, values, error: state.fieldErrors?.[spec.wire] };
    if (spec.wire === 'condition')
      return <ConditionField {...props} check={state.check} functions={fns} />;
    if (spec.wire === 'periodic_expr') return <CronField {...props} schedule={schedule} />;
    if (spec.wire === 'amount') return <AmountField {...props} />;
    return <PlainField {...props} />;
  };
  return (
    <Layout title={title} session={c.get('session')} active="strategies">
      {viewer && <p class="notice">{m.viewerNotice}</p>}
      <ErrorBox message={state.error} />
      <form
        method="post"
        action={existing ? `${base()}/strategies/${existing.id}/edit` : `${base()}/strategies`}
        class="card form"
        id="strategy-form"
      >
        <CsrfField session={c.get('session')} />
        {state.etag && <input type="hidden" name="etag" value={state.etag} />}
        {strategyFieldEntries().map(([, spec]) => fieldInput(spec))}
        <button type="submit">{existing ? m.save : m.create}</button>{' '}
        <a href={existing ? `${base()}/strategies/${existing.id}` : `${base()}/strategies`}>
          {t().common.cancel}
        </a>
      </form>
    </Layout>
  );
}
