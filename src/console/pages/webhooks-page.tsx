// Webhook endpoints (docs/events.md), through /api/v1/webhooks: the list with each endpoint's
// state (a disabled one, and why, stands out), and for admins: create (the `whsec_` secret is
// shown on the answer page only, never put in a URL), enable, disable, rotate the secret, send
// a test event, delete. Each endpoint's page lists its deliveries with a retry button. Viewers
// read the same pages without a single write control.
import { problemText, type ApiAnswer, type PostBody } from '../api-client.ts';
import { field, fields, type ConsoleApp, type ConsoleContext } from '../console-env.ts';
import { ConfirmPage, ErrorBox, Layout } from './layout.tsx';
import { notice, RedirectNotices, withNotices, type Notice } from './notices.tsx';
import {
  ACTIONS,
  back,
  CreateForm,
  DeliveriesTable,
  EndpointsTable,
  isAction,
  SecretPage,
} from './webhooks-views.tsx';
import { t } from '../i18n/current.ts';
import { daemonTimeFrame } from './time-frame.ts';
import { Pager } from './pager.tsx';

const redirectWith = (c: ConsoleContext, outcome: Notice, to = back()) =>
  c.redirect(withNotices(to, outcome), 303);

export function registerWebhooksPage(app: ConsoleApp): void {
  app.get('/webhooks', async (c) => {
    const session = c.get('session');
    const cursor = c.req.query('cursor') || undefined;
    const [list, frame] = await Promise.all([
      c.get('api').get('/api/v1/webhooks', { query: { cursor, limit: 50 } }),
      daemonTimeFrame(c.get('api')),
    ]);
    return c.html(
      <Layout title={t().webhooks.title} session={session} active="webhooks">
        <RedirectNotices query={c.req.query()} />
        <ErrorBox message={list.ok ? undefined : problemText(list)} />
        {list.ok && (
          <>
            <EndpointsTable endpoints={list.body.items} session={session} frame={frame} />
            <Pager
              path="/webhooks"
              query={{}}
              cursor={cursor}
              next={list.body.next_cursor}
              testId="webhooks-pager"
            />
          </>
        )}
        {session.role === 'admin' && <CreateForm session={session} />}
      </Layout>,
    );
  });

  app.post('/webhooks', async (c) => {
    const kind = field(c, 'kind') || 'webhook';
    const secret = field(c, 'secret');
    // The form's text goes to the API as typed; the API's validation refuses what is not a
    // kind or an event type.
    type Body = PostBody<'/api/v1/webhooks'>;
    const answer = await c.get('api').post('/api/v1/webhooks', {
      url: field(c, 'url'),
      kind: kind as Body['kind'],
      event_types: fields(c, 'event_types') as Body['event_types'],
      ...(field(c, 'description') ? { description: field(c, 'description') } : {}),
      ...(kind !== 'webhook' && secret ? { secret } : {}),
    });
    if (!answer.ok)
      return redirectWith(c, notice('webhook-not-created', { why: problemText(answer) }));
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
      return redirectWith(c, notice('webhook-no-such-action'));
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
    const param = { id };
    const answer: ApiAnswer =
      action.method === 'patch'
        ? await api.patch(action.path, param, action.body)
        : action.method === 'delete'
          ? await api.delete(action.path, param)
          : await api.post(action.path, undefined, { param });
    if (!answer.ok) return redirectWith(c, notice('webhook-refused', { why: problemText(answer) }));
    if (name === 'rotate')
      return c.html(
        <SecretPage
          session={c.get('session')}
          title={m.newSecret(id)}
          secret={(answer.body as { secret?: string | null } | undefined)?.secret ?? null}
          note={m.overlapNote}
        />,
      );
    return redirectWith(c, notice('webhook-done', { action: name, id }));
  });

  app.get('/webhooks/:id', async (c) => {
    const session = c.get('session');
    const id = Number(c.req.param('id'));
    const api = c.get('api');
    const cursor = c.req.query('cursor') || undefined;
    const [endpoint, deliveries, frame] = await Promise.all([
      api.get('/api/v1/webhooks/:id', { param: { id } }),
      api.get('/api/v1/webhooks/:id/deliveries', { param: { id }, query: { limit: 100, cursor } }),
      daemonTimeFrame(api),
    ]);
    const error = !endpoint.ok
      ? problemText(endpoint)
      : !deliveries.ok
        ? problemText(deliveries)
        : undefined;
    return c.html(
      <Layout title={t().webhooks.endpointTitle(id)} session={session} active="webhooks">
        <RedirectNotices query={c.req.query()} />
        <ErrorBox message={error} />
        {endpoint.ok && (
          <EndpointsTable endpoints={[endpoint.body]} session={session} frame={frame} />
        )}
        {deliveries.ok && (
          <>
            <DeliveriesTable
              endpointId={id}
              deliveries={deliveries.body.items}
              session={session}
              frame={frame}
            />
            <Pager
              path={`/webhooks/${id}`}
              query={{}}
              cursor={cursor}
              next={deliveries.body.next_cursor}
              testId="deliveries-pager"
            />
          </>
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
      return redirectWith(c, notice('webhook-no-such-delivery'));
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
    const answer = await c
      .get('api')
      .post('/api/v1/webhooks/:id/deliveries/:delivery/retry', undefined, {
        param: { id, delivery },
      });
    return answer.ok
      ? redirectWith(c, notice('delivery-will-retry', { delivery }), page)
      : redirectWith(c, notice('webhook-refused', { why: problemText(answer) }), page);
  });
}
