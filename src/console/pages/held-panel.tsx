// One panel per strategy for its held occurrences: when each fell due (formatted, not raw ISO),
// the users and the amount it would grant against the caps, and for an admin what can be done
// with each (approve it once, dismiss it) or with all of them at once. Each of these carries the
// strategy's ETag as the page read it, sent as If-Match: an approval is for the version the
// operator saw, and one changed since is refused (412) rather than approved unseen.
import type { HeldJson, StrategyJson, StrategyStatsJson } from '../api-types.ts';
import { Instant, When, type TimeFrame } from './instant.tsx';
import { wallClock } from './clock-text.ts';
import type { Session } from '../sessions.ts';
import { ActionForm, base, fmtAmount } from './layout.tsx';
import { currentLang, t } from '../i18n/current.ts';

type ClosedHoldJson = StrategyStatsJson['closed_holds'][number];

const cap = (n: number | null) => (n === null ? t().common.none : fmtAmount(n));

export function HeldPanel(props: {
  session: Session;
  strategy: StrategyJson;
  held: HeldJson[];
  /** The strategy's ETag as the page read it. */
  etag?: string;
  frame: TimeFrame;
}) {
  const { session, strategy, held } = props;
  const tag: Record<string, string> = props.etag === undefined ? {} : { etag: props.etag };
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
            const when =
              h.occurrence === 'once'
                ? t().common.once
                : wallClock(new Date(h.occurrence), props.frame.zone, currentLang());
            return (
              <tr>
                <td>
                  <When at={h.occurrence} frame={props.frame} />
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
                      hidden={{ occurrence: h.occurrence, ...tag }}
                    />{' '}
                    {strategy.type === 'periodic' && (
                      <ActionForm
                        session={session}
                        action={action('dismiss')}
                        label={m.dismissAt(when)}
                        question={m.dismissQuestion(strategy.name, when)}
                        hidden={{ occurrence: h.occurrence, ...tag }}
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
          hidden={tag}
        />
      )}
    </section>
  );
}

/** Holds that ended without a grant: closed for good, so an operator sees why nothing came. */
export function ClosedHolds(props: { closed: ClosedHoldJson[]; zone: string; now: Date }) {
  if (props.closed.length === 0) return null;
  const m = t().closedHolds;
  return (
    <section class="card" aria-labelledby="closed-holds-title" data-testid="closed-holds">
      <h2 id="closed-holds-title">{m.title}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{m.occurrence}</th>
            <th scope="col">{m.closed}</th>
            <th scope="col">{m.why}</th>
          </tr>
        </thead>
        <tbody>
          {props.closed.map((h) => (
            <tr data-status={h.status}>
              <td>
                <Instant at={h.occurrence} zone={props.zone} zoneOf="strategy" now={props.now} />
              </td>
              <td>
                <Instant at={h.closed_at} zone={props.zone} zoneOf="strategy" now={props.now} />
              </td>
              <td>{m.meaning[h.status]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
