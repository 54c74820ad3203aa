// The webhooks pages' parts (webhooks-page.tsx has the routes): the endpoints table with each
// endpoint's state and, for admins, its action buttons; the deliveries table; the create form;
// the page that shows a secret once. Also the endpoint actions: what each posts to the API.
import { EVENT_TYPES } from '../../contract/schemas/events.ts';
import type { Session } from '../sessions.ts';
import { When, type TimeFrame } from './instant.tsx';
import { ActionForm, base, CsrfField, Layout } from './layout.tsx';
import { t } from '../i18n/current.ts';
import type { DeliveryJson, WebhookJson } from '../api-types.ts';

export type { DeliveryJson, WebhookJson };

export const KINDS = ['webhook', 'feishu', 'dingtalk', 'wecom', 'slack'] as const;

/** What each endpoint action posts to the API (its question and outcome are in the catalogue). */
export const ACTIONS = {
  enable: { method: 'patch', path: '/api/v1/webhooks/:id', body: { enabled: true } },
  disable: { method: 'patch', path: '/api/v1/webhooks/:id', body: { enabled: false } },
  test: { method: 'post', path: '/api/v1/webhooks/:id/test', body: undefined },
  rotate: { method: 'post', path: '/api/v1/webhooks/:id/rotate-secret', body: undefined },
  delete: { method: 'delete', path: '/api/v1/webhooks/:id', body: undefined },
} as const;
export type Action = keyof typeof ACTIONS;
export const isAction = (value: string): value is Action => Object.hasOwn(ACTIONS, value);

export const back = () => `${base()}/webhooks`;

export function EndpointsTable(props: {
  endpoints: WebhookJson[];
  session: Session;
  frame: TimeFrame;
}) {
  const admin = props.session.role === 'admin';
  const m = t().webhooks;
  if (props.endpoints.length === 0) return <p data-testid="no-webhooks">{m.none}</p>;
  return (
    <div class="scroll">
      <table data-testid="webhooks">
        <thead>
          <tr>
            <th scope="col">{m.endpoint}</th>
            <th scope="col">{m.kind}</th>
            <th scope="col">{m.events}</th>
            <th scope="col">{m.state}</th>
            <th scope="col">{m.secret}</th>
            {admin && <th scope="col">{m.actions}</th>}
          </tr>
        </thead>
        <tbody>
          {props.endpoints.map((e) => (
            <tr data-testid={`webhook-${e.id}`}>
              <td>
                <a href={`${back()}/${e.id}`}>#{e.id}</a> {e.url}
                {e.description && <div class="hint">{e.description}</div>}
              </td>
              <td>{m.kinds[e.kind] ?? e.kind}</td>
              <td>
                {/* Event types are the wire names a receiver switches on. */}
                <code>{e.event_types.join(', ')}</code>
              </td>
              <td>
                {e.enabled ? (
                  m.enabled
                ) : (
                  <div class="notice error" role="status" data-testid="disabled-notice">
                    {m.disabledBecause(e.disabled_reason)}
                  </div>
                )}
                {e.failing_since && (
                  <div class="hint">
                    {m.failingSince(<When at={e.failing_since} frame={props.frame} />)}
                  </div>
                )}
              </td>
              <td>
                {e.has_secret ? m.secretSet : m.secretNone}
                {e.previous_secret_until && (
                  <div class="hint">
                    {m.oldAcceptedUntil(<When at={e.previous_secret_until} frame={props.frame} />)}
                  </div>
                )}
              </td>
              {admin && (
                <td>
                  {(
                    [
                      'test',
                      e.enabled ? 'disable' : 'enable',
                      ...(e.kind === 'webhook' ? ['rotate'] : []),
                      'delete',
                    ] as Action[]
                  ).map((name) => (
                    <ActionForm
                      session={props.session}
                      action={`${back()}/${e.id}/${name}`}
                      label={m.actionLabels[name]}
                      question={m.questions[name](e.id)}
                      danger={name === 'delete'}
                    />
                  ))}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function DeliveriesTable(props: {
  endpointId: number;
  deliveries: DeliveryJson[];
  session: Session;
  frame: TimeFrame;
}) {
  const admin = props.session.role === 'admin';
  const m = t().webhooks;
  if (props.deliveries.length === 0) return <p data-testid="no-deliveries">{m.noDeliveries}</p>;
  return (
    <div class="scroll">
      <table data-testid="deliveries">
        <caption>{m.deliveriesCaption}</caption>
        <thead>
          <tr>
            <th scope="col">{m.delivery}</th>
            <th scope="col">{m.event}</th>
            <th scope="col">{m.status}</th>
            <th scope="col">{m.attempts}</th>
            <th scope="col">{m.answer}</th>
            <th scope="col">{m.nextAttempt}</th>
            <th scope="col">{m.lastError}</th>
            {admin && <th scope="col">{m.retry}</th>}
          </tr>
        </thead>
        <tbody>
          {props.deliveries.map((d) => (
            <tr data-testid={`delivery-${d.id}`}>
              <td>{d.id}</td>
              <td>
                <code>{d.event_type}</code>{' '}
                <span class="hint" translate="no">
                  {d.event_id}
                </span>
              </td>
              <td>{m.deliveryStatuses[d.status] ?? d.status}</td>
              <td>{d.attempts}</td>
              <td>{d.response_status ?? '—'}</td>
              <td>
                {d.status === 'pending' ? <When at={d.next_attempt_at} frame={props.frame} /> : '—'}
              </td>
              <td lang="en">{d.last_error ?? ''}</td>
              {admin && (
                <td>
                  <ActionForm
                    session={props.session}
                    action={`${back()}/${props.endpointId}/deliveries/${d.id}/retry`}
                    label={m.retry}
                    question={m.retryQuestion(d.id)}
                  />
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function CreateForm(props: { session: Session }) {
  const m = t().webhooks;
  return (
    <form method="post" action={back()} class="card" data-testid="create-webhook">
      <h2>{m.newEndpoint}</h2>
      <CsrfField session={props.session} />
      <p>
        <label for="webhook-url">{m.url}</label>{' '}
        <input id="webhook-url" name="url" type="url" required />
      </p>
      <p>
        <label for="webhook-kind">{m.kind}</label>{' '}
        <select id="webhook-kind" name="kind">
          {KINDS.map((k) => (
            <option value={k}>{m.kinds[k] ?? k}</option>
          ))}
        </select>
      </p>
      <fieldset>
        <legend>{m.events}</legend>
        {EVENT_TYPES.map((type) => (
          <label class="inline">
            <input type="checkbox" name="event_types" value={type} /> <code>{type}</code>
          </label>
        ))}
      </fieldset>
      <p>
        <label for="webhook-description">{m.description}</label>{' '}
        <input id="webhook-description" name="description" type="text" />
      </p>
      <label for="webhook-secret">{m.botSecret}</label>
      <p>
        <input id="webhook-secret" name="secret" type="password" autocomplete="new-password" />
      </p>
      <button type="submit">{m.create}</button>
    </form>
  );
}

export function SecretPage(props: {
  session: Session;
  title: string;
  secret: string | null;
  note?: string;
}) {
  return (
    <Layout title={props.title} session={props.session} active="webhooks">
      {props.secret === null ? (
        <p class="notice ok">{t().webhooks.noSecret}</p>
      ) : (
        <div class="notice ok" role="status">
          <p>{t().webhooks.secretOnce}</p>
          <p>
            <code data-testid="webhook-secret">{props.secret}</code>
          </p>
        </div>
      )}
      {props.note && <p class="hint">{props.note}</p>}
      <p>
        <a href={back()}>{t().webhooks.back}</a>
      </p>
    </Layout>
  );
}
