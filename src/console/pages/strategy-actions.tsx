// A strategy's write controls (admins only: a viewer sees none, and the API refuses a viewer's
// writes anyway) and the posts behind them. Each asks for confirmation first.
import { problemText } from '../api-client.ts';
import type { HeldJson, StrategyJson } from '../../contract/wire-types.ts';
import { field, type ConsoleApp } from '../console-env.ts';
import type { Session } from '../sessions.ts';
import { ActionForm, base, ConfirmPage, fmtAmount, fmtTime } from './layout.tsx';

type Action = 'enable' | 'disable' | 'run' | 'approve' | 'dismiss' | 'approve-all';

const QUESTIONS: Record<Action, (name: string) => string> = {
  enable: (n) => `Enable strategy ${n}? Scans will grant it from now on.`,
  disable: (n) => `Disable strategy ${n}? Scans stop granting it.`,
  run: (n) => `Run strategy ${n} now? Users it matches are granted at once.`,
  approve: (n) => `Approve the held occurrence of ${n}? It is granted at once, over the budget.`,
  dismiss: (n) => `Dismiss the held occurrence of ${n}? Nothing is granted for it, ever.`,
  'approve-all': (n) =>
    `Approve every held occurrence of ${n}? Each is granted at once, over the budget.`,
};

const GATEWAY_DOWN =
  'The gateway is unavailable (circuit breaker open): grants are paused and are sent once it recovers; see the overview.';

/** The API route behind each action (the held occurrence's ones name it). */
function apiPath(id: string, action: Action, occurrence: string): string {
  const held = `/api/v1/strategies/${id}/occurrences/${encodeURIComponent(occurrence)}`;
  if (action === 'approve') return `${held}/approve`;
  if (action === 'dismiss') return `${held}/dismiss`;
  if (action === 'approve-all') return `/api/v1/strategies/${id}/held/approve`;
  return `/api/v1/strategies/${id}/${action}`;
}

/** Held occurrences have their own panel (held-panel.tsx), with their buttons. */
export function StrategyActions(props: { session: Session; strategy: StrategyJson }) {
  if (props.session.role !== 'admin') return null;
  const s = props.strategy;
  const form = (action: Action, label: string) => (
    <ActionForm
      session={props.session}
      action={`${base()}/strategies/${s.id}/${action}`}
      label={label}
      question={QUESTIONS[action](s.name)}
    />
  );
  return (
    <div class="actions" data-testid="actions">
      <a class="button" href={`${base()}/strategies/${s.id}/edit`}>
        Edit
      </a>
      {s.enabled ? form('disable', 'Disable') : form('enable', 'Enable')}
      {form('run', 'Run now')}
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
      if (field(c, 'confirmed') !== 'yes') {
        const strategy = await api.get<StrategyJson>(`/api/v1/strategies/${id}`);
        const name = strategy.ok ? strategy.body.name : `#${id}`;
        return c.html(
          <ConfirmPage
            session={c.get('session')}
            question={QUESTIONS[action](name)}
            action={`${page}/${action}`}
            fields={action === 'approve' || action === 'dismiss' ? { occurrence } : {}}
            back={page}
          />,
        );
      }
      const path = apiPath(id, action, occurrence);
      const answer = await api.post<Record<string, unknown>>(
        path,
        action === 'run' ? {} : undefined,
      );
      // A run with the breaker open did nothing it could report as done: not a green notice.
      const paused = answer.ok && answer.body.gateway_available === false;
      const outcome: Record<string, string> = paused
        ? { error: `${doneMessage(action, answer.body)} ${GATEWAY_DOWN}` }
        : answer.ok
          ? { done: doneMessage(action, answer.body) }
          : {
              error: `${action} refused: ${answer.missing ? 'not available on this server' : problemText(answer)}`,
            };
      return c.redirect(`${page}?${new URLSearchParams(outcome).toString()}`, 303);
    },
  );
}

function doneMessage(action: Action, body: Record<string, unknown>): string {
  if (action === 'enable') return 'Enabled.';
  if (action === 'disable') return 'Disabled (its held occurrences are released).';
  if (action === 'dismiss')
    return `Dismissed ${fmtTime(String(body.occurrence))}: nothing granted.`;
  if (action === 'approve-all') {
    const runs = (body.items ?? []) as Record<string, unknown>[];
    const granted = runs.reduce((sum, run) => sum + Number(run.granted ?? 0), 0);
    return `Approved and ran ${runs.length} held occurrences: granted ${granted}.`;
  }
  const h = body.held as HeldJson | null | undefined;
  const caps = h
    ? [
        h.max_users_per_occurrence === null ? '' : `${h.max_users_per_occurrence} users`,
        h.max_amount_per_occurrence === null
          ? ''
          : `amount ${fmtAmount(h.max_amount_per_occurrence)}`,
      ].filter(Boolean)
    : [];
  const held = h
    ? ` Held by the budget: it would grant ${h.needed_users} users ${fmtAmount(h.needed_amount)} in all (cap: ${caps.join(', ')}); nothing was granted.`
    : '';
  return `${action === 'run' ? 'Ran' : 'Approved and ran'}: matched ${String(body.matched)}, granted ${String(body.granted)}, failed ${String(body.failed)}.${held}`;
}
