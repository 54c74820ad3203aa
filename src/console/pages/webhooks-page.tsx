// Webhook endpoints (docs/events.md), through /api/v1/webhooks: the list with each endpoint's
// state (a disabled one, and why, stands out), and for admins: create (the `whsec_` secret is
// shown on the answer page only, never put in a URL), enable, disable, rotate the secret, send
// a test event, delete. Each endpoint's page lists its deliveries with a retry button. Viewers
// read the same pages without a single write control.
import { problemText, type ApiAnswer } from '../api-client.ts';
import type { deliveryJson, webhookJson } from '../../contract/schemas/webhooks.ts';
import { EVENT_TYPES } from '../../core/model/domain-event.ts';
import { field, fields, type ConsoleApp, type ConsoleContext } from '../console-env.ts';
import type { Session } from '../sessions.ts';
import {
  ActionForm,
  base,
  ConfirmPage,
  CsrfField,
  ErrorBox,
  Flash,
  fmtTime,
  Layout,
} from './layout.tsx';

type WebhookJson = ReturnType<typeof webhookJson>;
type DeliveryJson = ReturnType<typeof deliveryJson>;

const KINDS = ['webhook', 'feishu', 'dingtalk', 'wecom', 'slack'] as const;

/** What each endpoint action posts to the API, and the question asked first. */
const ACTIONS = {
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
type Action = keyof typeof ACTIONS;
const isAction = (value: string): value is Action => Object.hasOwn(ACTIONS, value);

const back = () => `${base()}/webhooks`;
const redirectWith = (c: ConsoleContext, query: Record<string, string>, to = back()) =>
  c.redirect(`${to}?${new URLSearchParams(query).toString()}`, 303);

export function registerWebhooksPage(app: ConsoleApp): void {
  app.get('/webhooks', async (c) => {
    const session = c.get('session');
    const list = await c.get('api').get<{ items: WebhookJson[] }>('/api/v1/webhooks');
    return c.html(
      <Layout title="Webhooks" session={session} active="webhooks">
        <Flash message={c.req.query('done')} />
        <ErrorBox message={c.req.query('error') ?? (list.ok ? undefined : problemText(list))} />
        {list.ok && <EndpointsTable endpoints={list.body.items} session={session} />}
        {session.role === 'admin' && <CreateForm session={session} />}
      </Layout>,
    );
  });

  app.post('/webhooks', async (c) => {
    const kind = field(c, 'kind') || 'webhook';
    const secret = field(c, 'secret');
    const answer = await c
      .get('api')
      .post<{ webhook: WebhookJson; secret: string | null }>('/api/v1/webhooks', {
        url: field(c, 'url'),
        kind,
        event_types: fields(c, 'event_types'),
        ...(field(c, 'description') ? { description: field(c, 'description') } : {}),
        ...(kind !== 'webhook' && secret ? { secret } : {}),
      });
    if (!answer.ok) return redirectWith(c, { error: `Not created: ${problemText(answer)}` });
    return c.html(
      <SecretPage
        session={c.get('session')}
        title={`Created endpoint ${answer.body.webhook.id}`}
        secret={answer.body.secret}
      />,
    );
  });

  app.post('/webhooks/:id/:action', async (c) => {
    const id = Number(c.req.param('id'));
    const name = c.req.param('action');
    if (!Number.isSafeInteger(id) || id < 1 || !isAction(name))
      return redirectWith(c, { error: 'No such endpoint action.' });
    const action = ACTIONS[name];
    if (field(c, 'confirmed') !== 'yes')
      return c.html(
        <ConfirmPage
          session={c.get('session')}
          question={`${action.question} endpoint ${id}?`}
          action={`${back()}/${id}/${name}`}
          fields={{}}
          back={back()}
        />,
      );
    const api = c.get('api');
    const path = `/api/v1/webhooks/${id}${action.path}`;
    const answer: ApiAnswer<{ secret?: string }> =
      action.method === 'patch'
        ? await api.patch(path, action.body)
        : action.method === 'delete'
          ? await api.delete(path)
          : await api.post(path);
    if (!answer.ok) return redirectWith(c, { error: `Refused: ${problemText(answer)}` });
    if (name === 'rotate')
      return c.html(
        <SecretPage
          session={c.get('session')}
          title={`New secret for endpoint ${id}`}
          secret={answer.body.secret ?? null}
          note="The old secret keeps verifying for WEBHOOK_SECRET_OVERLAP_MS: deliveries carry both signatures until then."
        />,
      );
    return redirectWith(c, { done: `${action.done} endpoint ${id}.` });
  });

  app.get('/webhooks/:id', async (c) => {
    const session = c.get('session');
    const id = Number(c.req.param('id'));
    const api = c.get('api');
    const [endpoint, deliveries] = await Promise.all([
      api.get<WebhookJson>(`/api/v1/webhooks/${id}`),
      api.get<{ items: DeliveryJson[] }>(`/api/v1/webhooks/${id}/deliveries`, { limit: 100 }),
    ]);
    const error = !endpoint.ok
      ? problemText(endpoint)
      : !deliveries.ok
        ? problemText(deliveries)
        : undefined;
    return c.html(
      <Layout title={`Webhook endpoint ${id}`} session={session} active="webhooks">
        <Flash message={c.req.query('done')} />
        <ErrorBox message={c.req.query('error') ?? error} />
        {endpoint.ok && <EndpointsTable endpoints={[endpoint.body]} session={session} />}
        {deliveries.ok && (
          <DeliveriesTable endpointId={id} deliveries={deliveries.body.items} session={session} />
        )}
        <p>
          <a href={back()}>All endpoints</a>
        </p>
      </Layout>,
    );
  });

  app.post('/webhooks/:id/deliveries/:delivery/retry', async (c) => {
    const id = Number(c.req.param('id'));
    const delivery = Number(c.req.param('delivery'));
    const page = `${back()}/${id}`;
    if (![id, delivery].every((n) => Number.isSafeInteger(n) && n > 0))
      return redirectWith(c, { error: 'No such delivery.' });
    if (field(c, 'confirmed') !== 'yes')
      return c.html(
        <ConfirmPage
          session={c.get('session')}
          question={`Retry delivery ${delivery} now?`}
          action={`${page}/deliveries/${delivery}/retry`}
          fields={{}}
          back={page}
        />,
      );
    const answer = await c.get('api').post(`/api/v1/webhooks/${id}/deliveries/${delivery}/retry`);
    return answer.ok
      ? redirectWith(c, { done: `Delivery ${delivery} will be sent again.` }, page)
      : redirectWith(c, { error: `Refused: ${problemText(answer)}` }, page);
  });
}

function EndpointsTable(props: { endpoints: WebhookJson[]; session: Session }) {
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

function DeliveriesTable(props: {
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

function CreateForm(props: { session: Session }) {
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
        <input id="webhook-description" name="description" />
      </p>
      <label for="webhook-secret">
        Bot signing secret (chat kinds only; a webhook gets a whsec_ secret made for it)
      </label>
      <p>
        <input id="webhook-secret" name="secret" type="password" autocomplete="off" />
      </p>
      <button type="submit">Create</button>
    </form>
  );
}

function SecretPage(props: {
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
