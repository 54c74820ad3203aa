// Webhook endpoints (docs/events.md), through /api/v1/webhooks: the list with each endpoint's
// state (a disabled one, and why, stands out), and for admins: create (the `whsec_` secret is
// shown on the answer page only, never put in a URL), enable, disable, rotate the secret, send
// a test event, delete. Each endpoint's page lists its deliveries with a retry button. Viewers
// read the same pages without a single write control.
import { problemText, type ApiAnswer } from '../api-client.ts';
import { field, fields, type ConsoleApp, type ConsoleContext } from '../console-env.ts';
import { ConfirmPage, ErrorBox, Flash, Layout } from './layout.tsx';
import {
  ACTIONS,
  back,
  CreateForm,
  DeliveriesTable,
  EndpointsTable,
  isAction,
  SecretPage,
  type DeliveryJson,
  type WebhookJson,
} from './webhooks-views.tsx';
import { t } from '../i18n/current.ts';
import { daemonTimeFrame } from './time-frame.ts';

const redirectWith = (c: ConsoleContext, query: Record<string, string>, to = back()) =>
  c.redirect(`${to}?${new URLSearchParams(query).toString()}`, 303);

export function registerWebhooksPage(app: ConsoleApp): void {
  app.get('/webhooks', async (c) => {
    const session = c.get('session');
    const [list, frame] = await Promise.all([
      c.get('api').get<{ items: WebhookJson[] }>('/api/v1/webhooks'),
      daemonTimeFrame(c.get('api')),
    ]);
    return c.html(
      <Layout title={t().webhooks.title} session={session} active="webhooks">
        <Flash message={c.req.query('done')} />
        <ErrorBox message={c.req.query('error') ?? (list.ok ? undefined : problemText(list))} />
        {list.ok && <EndpointsTable endpoints={list.body.items} session={session} frame={frame} />}
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
    if (!answer.ok) return redirectWith(c, { error: t().webhooks.notCreated(problemText(answer)) });
    return c.html(
      <SecretPage
        session={c.get('session')}
        title={t().webhooks.created(answer.body.webhook.id)}
        secret={answer.body.secret}
      />,
    );
  });

  app.post('/webhooks/:id/:action', async (c) => {
    const id = Number(c.req.param('id'));
    const name = c.req.param('action');
    if (!Number.isSafeInteger(id) || id < 1 || !isAction(name))
      return redirectWith(c, { error: t().webhooks.noSuchAction });
    const action = ACTIONS[name];
    const m = t().webhooks;
    if (field(c, 'confirmed') !== 'yes')
      return c.html(
        <ConfirmPage
          session={c.get('session')}
          question={m.questions[name](id)}
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
    if (!answer.ok) return redirectWith(c, { error: m.refused(problemText(answer)) });
    if (name === 'rotate')
      return c.html(
        <SecretPage
          session={c.get('session')}
          title={m.newSecret(id)}
          secret={answer.body.secret ?? null}
          note={m.overlapNote}
        />,
      );
    return redirectWith(c, { done: m.done[name](id) });
  });

  app.get('/webhooks/:id', async (c) => {
    const session = c.get('session');
    const id = Number(c.req.param('id'));
    const api = c.get('api');
    const [endpoint, deliveries, frame] = await Promise.all([
      api.get<WebhookJson>(`/api/v1/webhooks/${id}`),
      api.get<{ items: DeliveryJson[] }>(`/api/v1/webhooks/${id}/deliveries`, { limit: 100 }),
      daemonTimeFrame(api),
    ]);
    const error = !endpoint.ok
      ? problemText(endpoint)
      : !deliveries.ok
        ? problemText(deliveries)
        : undefined;
    return c.html(
      <Layout title={t().webhooks.endpointTitle(id)} session={session} active="webhooks">
        <Flash message={c.req.query('done')} />
        <ErrorBox message={c.req.query('error') ?? error} />
        {endpoint.ok && (
          <EndpointsTable endpoints={[endpoint.body]} session={session} frame={frame} />
        )}
        {deliveries.ok && (
          <DeliveriesTable
            endpointId={id}
            deliveries={deliveries.body.items}
            session={session}
            frame={frame}
          />
        )}
        <p>
          <a href={back()}>{t().webhooks.allEndpoints}</a>
        </p>
      </Layout>,
    );
  });

  app.post('/webhooks/:id/deliveries/:delivery/retry', async (c) => {
    const id = Number(c.req.param('id'));
    const delivery = Number(c.req.param('delivery'));
    const page = `${back()}/${id}`;
    if (![id, delivery].every((n) => Number.isSafeInteger(n) && n > 0))
      return redirectWith(c, { error: t().webhooks.noSuchDelivery });
    if (field(c, 'confirmed') !== 'yes')
      return c.html(
        <ConfirmPage
          session={c.get('session')}
          question={t().webhooks.retryQuestion(delivery)}
          action={`${page}/deliveries/${delivery}/retry`}
          fields={{}}
          back={page}
        />,
      );
    const answer = await c.get('api').post(`/api/v1/webhooks/${id}/deliveries/${delivery}/retry`);
    return answer.ok
      ? redirectWith(c, { done: t().webhooks.willRetry(delivery) }, page)
      : redirectWith(c, { error: t().webhooks.refused(problemText(answer)) }, page);
  });
}
