// One panel per strategy for its held occurrences: when each fell due (formatted, not raw ISO),
// the users and the amount it would grant against the caps, and for an admin what can be done
// with each (approve it once, dismiss it) or with all of them at once.
import type { HeldJson, StrategyJson } from '../api-types.ts';
import type { Session } from '../sessions.ts';
import { ActionForm, base, fmtAmount, fmtTime } from './layout.tsx';
import { t } from '../i18n/current.ts';

const cap = (n: number | null) => (n === null ? t().common.none : fmtAmount(n));

export function HeldPanel(props: { session: Session; strategy: StrategyJson; held: HeldJson[] }) {
  const { session, strategy, held } = props;
  if (held.length === 0) return null;
  const admin = session.role === 'admin';
  const action = (name: string) => `${base()}/strategies/${strategy.id}/${name}`;
  const m = t().held;
  return (
    <section class="card notice error" aria-labelledby="held-title" data-testid="held">
      <h2 id="held-title">{m.title}</h2>
      <p>{m.intro}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{m.occurrence}</th>
            <th scope="col">{m.users}</th>
            <th scope="col">{m.amount}</th>
            <th scope="col">{m.caps}</th>
            {admin && <th scope="col">{m.actions}</th>}
          </tr>
        </thead>
        <tbody>
          {held.map((h) => {
            const when = fmtTime(h.occurrence);
            return (
              <tr>
                <td>
                  {h.occurrence === 'once' ? (
                    t().common.once
                  ) : (
                    <time datetime={h.occurrence}>{when}</time>
                  )}
                </td>
                <td>{h.needed_users}</td>
                <td>{fmtAmount(h.needed_amount)}</td>
                <td>
                  {cap(h.max_users_per_occurrence)}
                  {t().actions.capsJoin}
                  {cap(h.max_amount_per_occurrence)}
                </td>
                {admin && (
                  <td>
                    <ActionForm
                      session={session}
                      action={action('approve')}
                      label={h.occurrence === 'once' ? m.approve : m.approveAt(when)}
                      question={m.approveQuestion(strategy.name, when)}
                      hidden={{ occurrence: h.occurrence }}
                    />{' '}
                    {strategy.type === 'periodic' && (
                      <ActionForm
                        session={session}
                        action={action('dismiss')}
                        label={m.dismissAt(when)}
                        question={m.dismissQuestion(strategy.name, when)}
                        hidden={{ occurrence: h.occurrence }}
                        danger
                      />
                    )}
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
      {admin && held.length > 1 && (
        <ActionForm
          session={session}
          action={action('approve-all')}
          label={m.approveAll(held.length)}
          question={t().actions.questions['approve-all'](strategy.name)}
        />
      )}
    </section>
  );
}
