// The webhooks pages' parts (webhooks-page.tsx has the routes): the endpoints table with each
// endpoint's state and, for admins, its action buttons; the deliveries table; the create form;
// the page that shows a secret once. Also the endpoint actions: what each posts to the API.
import type { deliveryJson, webhookJson } from '../../contract/schemas/webhooks.ts';
import { EVENT_TYPES } from '../../contract/schemas/events.ts';
import type { Session } from '../sessions.ts';
import { ActionForm, base, CsrfField, fmtTime, Layout } from './layout.tsx';

export type WebhookJson = ReturnType<typeof webhookJson>;
export type DeliveryJson = ReturnType<typeof deliveryJson>;

export const KINDS = ['webhook', 'feishu', 'dingtalk', 'wecom', 'slack'] as const;

/** What each endpoint action posts to the API, and the question asked first. */
export const ACTIONS = {
  enable: {
    method: 'patch',
    path: '',
    body: { enabled: true },
    question: 'Enable',
    done: 'Enabled',
  },
  disable: {
    method: 'patch',
    path: '',
    body: { enabled: false },
    question: 'Disable',
    done: 'Disabled',
  },
  test: {
    method: 'post',
    path: '/test',
    body: undefined,
    question: 'Send a test event to',
    done: 'Test event queued for',
  },
  rotate: {
    method: 'post',
    path: '/rotate-secret',
    body: undefined,
    question: 'Rotate the secret of',
    done: 'Rotated the secret of',
  },
  delete: { method: 'delete', path: '', body: undefined, question: 'Delete', done: 'Deleted' },
} as const;
export type Action = keyof typeof ACTIONS;
export const isAction = (value: string): value is Action => Object.hasOwn(ACTIONS, value);

export const back = () => `${base()}/webhooks`;

export function EndpointsTable(props: { endpoints: WebhookJson[]; session: Session }) {
  const admin = props.session.role === 'admin';
  if (props.endpoints.length === 0)
    return <p data-testid="no-webhooks">No webhook endpoint yet.</p>;
  return (
    <div class="scroll">
      <table data-testid="webhooks">
        <thead>
          <tr>
            <th scope="col">Endpoint</th>
            <th scope="col">Kind</th>
            <th scope="col">Events</th>
            <th scope="col">State</th>
            <th scope="col">Secret</th>
            {admin && <th scope="col">Actions</th>}
          </tr>
        </thead>
        <tbody>
          {props.endpoints.map((e) => (
            <tr data-testid={`webhook-${e.id}`}>
              <td>
                <a href={`${back()}/${e.id}`}>#{e.id}</a> {e.url}
                {e.description && <div class="hint">{e.description}</div>}
              </td>
              <td>{e.kind}</td>
              <td>{e.event_types.join(', ')}</td>
              <td>
                {e.enabled ? (
                  'enabled'
                ) : (
                  <div class="notice error" role="status" data-testid="disabled-notice">
                    Disabled{e.disabled_reason ? `: ${e.disabled_reason}` : ''}
                  </div>
                )}
                {e.failing_since && (
                  <div class="hint">failing since {fmtTime(e.failing_since)}</div>
                )}
              </td>
              <td>
                {e.has_secret ? 'set' : 'none'}
                {e.previous_secret_until && (
                  <div class="hint">old one accepted until {fmtTime(e.previous_secret_until)}</div>
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
                      label={
                        name === 'rotate'
                          ? 'Rotate secret'
                          : name === 'test'
                            ? 'Send test'
                            : name[0]!.toUpperCase() + name.slice(1)
                      }
                      question={`${ACTIONS[name].question} endpoint ${e.id}?`}
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
}) {
  const admin = props.session.role === 'admin';
  if (props.deliveries.length === 0) return <p data-testid="no-deliveries">No delivery yet.</p>;
  return (
    <div class="scroll">
      <table data-testid="deliveries">
        <caption>Deliveries, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Delivery</th>
            <th scope="col">Event</th>
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Answer</th>
            <th scope="col">Next attempt</th>
            <th scope="col">Last error</th>
            {admin && <th scope="col">Retry</th>}
          </tr>
        </thead>
        <tbody>
          {props.deliveries.map((d) => (
            <tr data-testid={`delivery-${d.id}`}>
              <td>{d.id}</td>
              <td>
                {d.event_type} <span class="hint">{d.event_id}</span>
              </td>
              <td>{d.status}</td>
              <td>{d.attempts}</td>
              <td>{d.response_status ?? '—'}</td>
              <td>{d.status === 'pending' ? fmtTime(d.next_attempt_at) : '—'}</td>
              <td>{d.last_error ?? ''}</td>
              {admin && (
                <td>
                  <ActionForm
                    session={props.session}
                    action={`${back()}/${props.endpointId}/deliveries/${d.id}/retry`}
                    label="Retry"
                    question={`Retry delivery ${d.id} now?`}
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
  return (
    <form method="post" action={back()} class="card" data-testid="create-webhook">
      <h2>New endpoint</h2>
      <CsrfField session={props.session} />
      <p>
        <label for="webhook-url">URL</label>{' '}
        <input id="webhook-url" name="url" type="url" required />
      </p>
      <p>
        <label for="webhook-kind">Kind</label>{' '}
        <select id="webhook-kind" name="kind">
          {KINDS.map((k) => (
            <option value={k}>{k}</option>
          ))}
        </select>
      </p>
      <fieldset>
        <legend>Events</legend>
        {EVENT_TYPES.map((t) => (
          <label class="inline">
            <input type="checkbox" name="event_types" value={t} /> {t}
          </label>
        ))}
      </fieldset>
      <p>
        <label for="webhook-description">Description</label>{' '}
        <input id="webhook-description" name="description" type="text" />
      </p>
      <label for="webhook-secret">
        Bot signing secret (chat kinds only; a webhook gets a whsec_ secret made for it)
      </label>
      <p>
        <input id="webhook-secret" name="secret" type="password" autocomplete="new-password" />
      </p>
      <button type="submit">Create</button>
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
        <p class="notice ok">
          No signing secret: the bot's own settings sign (or its URL is the secret).
        </p>
      ) : (
        <div class="notice ok" role="status">
          <p>
            The signing secret, shown this once (it is never shown again; rotate it to get a new
            one):
          </p>
          <p>
            <code data-testid="webhook-secret">{props.secret}</code>
          </p>
        </div>
      )}
      {props.note && <p class="hint">{props.note}</p>}
      <p>
        <a href={back()}>Back to the endpoints</a>
      </p>
    </Layout>
  );
}
