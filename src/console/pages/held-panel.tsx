// One panel per strategy for its held occurrences: when each fell due (formatted, not raw ISO),
// the users and the amount it would grant against the caps, and for an admin what can be done
// with each (approve it once, dismiss it) or with all of them at once.
import type { HeldJson, StrategyJson } from '../../contract/wire-types.ts';
import type { Session } from '../sessions.ts';
import { ActionForm, base, fmtAmount, fmtTime } from './layout.tsx';

const cap = (n: number | null) => (n === null ? 'none' : fmtAmount(n));

export function HeldPanel(props: { session: Session; strategy: StrategyJson; held: HeldJson[] }) {
  const { session, strategy, held } = props;
  if (held.length === 0) return null;
  const admin = session.role === 'admin';
  const action = (name: string) => `${base()}/strategies/${strategy.id}/${name}`;
  return (
    <section class="card notice error" aria-labelledby="held-title" data-testid="held">
      <h2 id="held-title">Held by the budget</h2>
      <p>
        Nothing is granted for these until the cap is raised, or an occurrence is approved (once,
        over the cap) or dismissed (closed, nothing granted).
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Occurrence</th>
            <th scope="col">Users</th>
            <th scope="col">Amount in all</th>
            <th scope="col">Caps (users, amount)</th>
            {admin && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {held.map((h) => {
            const when = fmtTime(h.occurrence);
            return (
              <tr>
                <td>
                  {h.occurrence === 'once' ? 'once' : <time datetime={h.occurrence}>{when}</time>}
                </td>
                <td>{h.needed_users}</td>
                <td>{fmtAmount(h.needed_amount)}</td>
                <td>
                  {cap(h.max_users_per_occurrence)}, {cap(h.max_amount_per_occurrence)}
                </td>
                {admin && (
                  <td>
                    <ActionForm
                      session={session}
                      action={action('approve')}
                      label={h.occurrence === 'once' ? 'Approve' : `Approve ${when}`}
                      question={`Approve ${strategy.name} at ${when}? It is granted at once, over the budget.`}
                      hidden={{ occurrence: h.occurrence }}
                    />{' '}
                    {strategy.type === 'periodic' && (
                      <ActionForm
                        session={session}
                        action={action('dismiss')}
                        label={`Dismiss ${when}`}
                        question={`Dismiss ${strategy.name} at ${when}? Nothing is granted for it, ever.`}
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
          label={`Approve all ${held.length}`}
          question={`Approve every held occurrence of ${strategy.name}? Each is granted at once, over the budget.`}
        />
      )}
    </section>
  );
}
