// A strategy's write controls (admins only: a viewer sees none, and the API refuses a viewer's
// writes anyway) and the posts behind them. Each asks for confirmation first.
import { problemText, type ApiAnswer, type ApiClient } from '../api-client.ts';
import type { HeldJson, StrategyJson } from '../api-types.ts';
import { field, type ConsoleApp } from '../console-env.ts';
import type { Session } from '../sessions.ts';
import { ActionForm, base, ConfirmPage } from './layout.tsx';
import { notice, withNotices, type Notice } from './notices.tsx';
import { t } from '../i18n/current.ts';

type Action = 'enable' | 'disable' | 'run' | 'approve' | 'dismiss' | 'approve-all';

const question = (action: Action, name: string): string => t().actions.questions[action](name);

/** The actions on held occurrences: bound to the strategy version the page showed (If-Match). */
const HELD_ACTIONS: readonly Action[] = ['approve', 'dismiss', 'approve-all'];

/** The API call behind an action; its answer is read field by field (doneMessage). */
function send(
  api: ApiClient,
  id: string,
  action: Action,
  occurrence: string,
  ifMatch: string | undefined,
): Promise<ApiAnswer<Record<string, unknown>>> {
  const param = { id };
  switch (action) {
    case 'approve':
      return api.post('/api/v1/strategies/:id/occurrences/:occurrence/approve', undefined, {
        param: { id, occurrence },
        ifMatch,
      });
    case 'dismiss':
      return api.post('/api/v1/strategies/:id/occurrences/:occurrence/dismiss', undefined, {
        param: { id, occurrence },
        ifMatch,
      });
    case 'approve-all':
      return api.post('/api/v1/strategies/:id/held/approve', undefined, { param, ifMatch });
    case 'run':
      return api.post('/api/v1/strategies/:id/run', {}, { param });
    case 'enable':
      return api.post('/api/v1/strategies/:id/enable', undefined, { param });
    case 'disable':
      return api.post('/api/v1/strategies/:id/disable', undefined, { param });
  }
}

/** Held occurrences have their own panel (held-panel.tsx), with their buttons. */
export function StrategyActions(props: { session: Session; strategy: StrategyJson }) {
  if (props.session.role !== 'admin') return null;
  const s = props.strategy;
  const m = t().actions;
  const form = (action: Action, label: string) => (
    <ActionForm
      session={props.session}
      action={`${base()}/strategies/${s.id}/${action}`}
      label={label}
      question={question(action, s.name)}
    />
  );
  return (
    <div class="actions" data-testid="actions">
      <a class="button" href={`${base()}/strategies/${s.id}/edit`}>
        {m.edit}
      </a>
      {s.enabled ? form('disable', m.disable) : form('enable', m.enable)}
      {form('run', m.runNow)}
    </div>
  );
}

export function registerStrategyActions(app: ConsoleApp): void {
  app.post(
    '/strategies/:id{[0-9]+}/:action{enable|disable|run|approve-all|approve|dismiss}',
    async (c) => {
      const id = c.req.param('id');
      const action = c.req.param('action') as Action;
      const api = c.get('api');
      const page = `${base()}/strategies/${id}`;
      const occurrence = field(c, 'occurrence') || 'once';
      const etag = HELD_ACTIONS.includes(action) ? field(c, 'etag') || undefined : undefined;
      if (field(c, 'confirmed') !== 'yes') {
        const strategy = await api.get('/api/v1/strategies/:id', { param: { id } });
        const name = strategy.ok ? strategy.body.name : `#${id}`;
        return c.html(
          <ConfirmPage
            session={c.get('session')}
            question={question(action, name)}
            action={`${page}/${action}`}
            fields={{
              ...(action === 'approve' || action === 'dismiss' ? { occurrence } : {}),
              ...(etag === undefined ? {} : { etag }),
            }}
            back={page}
          />,
        );
      }
      const answer = await send(api, id, action, occurrence, etag);
      // A run with the breaker open did nothing it could report as done: not a green notice.
      const paused = answer.ok && answer.body.gateway_available === false;
      const outcome = answer.ok ? doneNotice(action, answer.body, paused) : refusal(action, answer);
      return c.redirect(withNotices(page, outcome), 303);
    },
  );
}

// A 412 from the API: the strategy was saved after the page was read, so what the operator
// approved (its condition, amount, caps) may not be what would run.
function refusal(action: Action, answer: ApiAnswer): Notice {
  if (answer.missing) return notice('action-unavailable', { action });
  if (answer.status === 412) return notice('action-stale', { action });
  return notice('action-refused', { action, why: problemText(answer) });
}

const count = (value: unknown): number => {
  const n = Number(value ?? 0);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
};

/** What the API's answer to an action says was done, as a notice for the page redirected to. */
function doneNotice(action: Action, body: Record<string, unknown>, paused: boolean): Notice {
  if (action === 'enable') return notice('enabled');
  if (action === 'disable') return notice('disabled');
  if (action === 'dismiss') return notice('dismissed', { occurrence: String(body.occurrence) });
  if (action === 'approve-all') {
    const runs = (body.items ?? []) as Record<string, unknown>[];
    const granted = runs.reduce((sum, run) => sum + count(run.granted), 0);
    return notice('approved-all', { runs: runs.length, granted });
  }
  const h = body.held as HeldJson | null | undefined;
  return notice(paused ? 'ran-paused' : 'ran', {
    approved: action !== 'run',
    matched: count(body.matched),
    granted: count(body.granted),
    failed: count(body.failed),
    held_users: h ? h.needed_users : null,
    held_amount: h ? h.needed_amount : null,
    cap_users: h ? h.max_users_per_occurrence : null,
    cap_amount: h ? h.max_amount_per_occurrence : null,
  });
}
