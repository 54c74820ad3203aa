// Users: search (GET /api/v1/users?q=…), and one user's page with attributes and grant history
// (GET /api/v1/users/{id}, GET /api/v1/users/{id}/grants); an admin deletes a user there
// (DELETE /api/v1/users/{id}: the user's ledger rows stay, for the audit).
import { problemText } from '../api-client.ts';
import type { GatewayBalanceJson } from '../api-types.ts';
import { field, type ConsoleApp } from '../console-env.ts';
import {
  ActionForm,
  base,
  ConfirmPage,
  ErrorBox,
  fmtAmount,
  Layout,
  Unavailable,
} from './layout.tsx';
import { notice, RedirectNotices, withNotices } from './notices.tsx';
import { LedgerTable } from './strategy-sections.tsx';
import { When, type TimeFrame } from './instant.tsx';
import { daemonTimeFrame } from './time-frame.ts';
import type { Child } from 'hono/jsx';
import { LotTable } from './lot-table.tsx';
import { t } from '../i18n/current.ts';
import { Pager } from './pager.tsx';

function Balance(props: { b: GatewayBalanceJson | undefined; frame: TimeFrame }) {
  const { b } = props;
  const m = t();
  if (!b) return <>{m.common.notAvailableHere}</>;
  if (b.balance === null)
    return (
      <>
        {m.users.balanceUnreadable(
          b.error ? <span lang="en">{b.error}</span> : m.users.balanceNoAnswer,
        )}
      </>
    );
  return (
    <>{m.users.balanceRead(fmtAmount(b.balance), <When at={b.read_at} frame={props.frame} />)}</>
  );
}

const deleteQuestion = (id: string) => t().users.deleteQuestion(id);

export function registerUserPages(app: ConsoleApp): void {
  app.post('/users/:id/delete', async (c) => {
    const id = c.req.param('id');
    const page = `${base()}/users/${encodeURIComponent(id)}`;
    if (field(c, 'confirmed') !== 'yes')
      return c.html(
        <ConfirmPage
          session={c.get('session')}
          question={deleteQuestion(id)}
          action={`${page}/delete`}
          fields={{}}
          back={page}
        />,
      );
    const answer = await c.get('api').delete('/api/v1/users/:id', { id });
    if (!answer.ok)
      return c.redirect(
        withNotices(page, notice('user-delete-refused', { why: problemText(answer) })),
        303,
      );
    return c.redirect(withNotices(`${base()}/users`, notice('user-deleted', { id })), 303);
  });

  app.get('/users', async (c) => {
    const q = (c.req.query('q') ?? '').trim();
    const open = (c.req.query('id') ?? '').trim();
    if (open) return c.redirect(`${base()}/users/${encodeURIComponent(open)}`, 303);
    const cursor = c.req.query('cursor') || undefined;
    const found = await c.get('api').get('/api/v1/users', { query: { q, limit: 50, cursor } });
    const m = t().users;
    return c.html(
      <Layout title={m.title} session={c.get('session')} active="users">
        <RedirectNotices query={c.req.query()} />
        <div class="columns">
          <form method="get" action={`${base()}/users`} class="card row" role="search">
            <label for="q">{m.searchLabel}</label>
            <input id="q" name="q" type="search" value={q} />
            <button type="submit">{m.search}</button>
          </form>
          <form method="get" action={`${base()}/users`} class="card row">
            <label for="id">{m.openLabel}</label>
            <input type="text" id="id" name="id" required />
            <button type="submit">{m.open}</button>
          </form>
        </div>
        {found.missing && <Unavailable what={m.searchUnavailable} route="GET /api/v1/users" />}
        {!found.ok && !found.missing && <ErrorBox message={problemText(found)} />}
        {found.ok && (
          <>
            <div class="scroll">
              <table data-testid="users">
                <thead>
                  <tr>
                    <th scope="col">{m.id}</th>
                    <th scope="col">{m.name}</th>
                    <th scope="col">{m.email}</th>
                    <th scope="col">{m.github}</th>
                    <th scope="col">{m.org}</th>
                    <th scope="col">{m.vip}</th>
                  </tr>
                </thead>
                <tbody>
                  {found.body.items.map((u) => (
                    <tr>
                      <td>
                        <a href={`${base()}/users/${encodeURIComponent(u.id)}`}>{u.id}</a>
                      </td>
                      <td>{u.name ?? ''}</td>
                      <td>{u.email ?? ''}</td>
                      <td>{u.github_username ?? ''}</td>
                      <td>{u.org ?? ''}</td>
                      <td>{u.vip}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager
              path="/users"
              query={{ q }}
              cursor={cursor}
              next={found.body.next_cursor}
              testId="users-pager"
            />
          </>
        )}
      </Layout>,
    );
  });

  app.get('/users/:id', async (c) => {
    const id = c.req.param('id');
    const param = { id };
    // The grants and the lots page apart, each with its own cursor in the page's URL.
    const cursors = {
      grants_cursor: c.req.query('grants_cursor') || undefined,
      lots_cursor: c.req.query('lots_cursor') || undefined,
    };
    const api = c.get('api');
    const [user, grants, balance, lots, frame] = await Promise.all([
      api.get('/api/v1/users/:id', { param }),
      api.get('/api/v1/users/:id/grants', {
        param,
        query: { limit: 100, cursor: cursors.grants_cursor },
      }),
      api.get('/api/v1/users/:id/balance', { param }),
      api.get('/api/v1/users/:id/lots', {
        param,
        query: { limit: 100, cursor: cursors.lots_cursor },
      }),
      daemonTimeFrame(api),
    ]);
    const userPath = `/users/${encodeURIComponent(id)}`;
    if (!user.ok)
      return c.html(
        <Layout title={t().users.userTitle(id)} session={c.get('session')} active="users">
          <ErrorBox message={problemText(user)} />
        </Layout>,
        user.status === 404 ? 404 : 502,
      );
    const u = user.body;
    const m = t().users;
    const a = m.attribute;
    const attributes: [string, Child][] = [
      [a.name, u.name ?? '—'],
      [a.github, u.github_username ?? '—'],
      [a.email, u.email ?? '—'],
      [a.phone, u.phone ?? '—'],
      [a.vip, String(u.vip)],
      [a.org, u.org ?? '—'],
      [a.starred, u.github_stars.join(', ') || '—'],
      [a.registered, <When at={u.register_time} frame={frame} />],
      [a.lastAccess, <When at={u.access_time} frame={frame} />],
      [a.balance, <Balance b={balance.ok ? balance.body : undefined} frame={frame} />],
    ];
    return c.html(
      <Layout title={m.userTitle(u.id)} session={c.get('session')} active="users">
        <RedirectNotices query={c.req.query()} />
        {c.get('session').role === 'admin' && (
          <div class="actions" data-testid="user-actions">
            <ActionForm
              session={c.get('session')}
              action={`${base()}/users/${encodeURIComponent(u.id)}/delete`}
              label={m.deleteUser}
              question={deleteQuestion(u.id)}
              danger
            />
          </div>
        )}
        <section class="card">
          <h2>{m.attributes}</h2>
          <dl class="fields">
            {attributes.map(([k, v]) => (
              <>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </>
            ))}
          </dl>
          <p>
            <a href={`${base()}/why-not?user_id=${encodeURIComponent(u.id)}`}>{m.whyNotLink}</a>
          </p>
        </section>
        <section class="card" data-testid="user-grants">
          <h2>{m.grantHistory}</h2>
          {grants.ok ? (
            <>
              <p>{m.grants(grants.body.total)}</p>
              <LedgerTable rows={grants.body.items} showStrategy frame={frame} />
              <Pager
                path={userPath}
                query={cursors}
                cursorParam="grants_cursor"
                cursor={cursors.grants_cursor}
                next={grants.body.next_cursor}
                testId="user-grants-pager"
              />
            </>
          ) : (
            <ErrorBox message={problemText(grants)} />
          )}
        </section>
        <section class="card" data-testid="user-lots">
          <h2>{m.lots}</h2>
          {lots.ok ? (
            <>
              <LotTable lots={lots.body.items} frame={frame} />
              <Pager
                path={userPath}
                query={cursors}
                cursorParam="lots_cursor"
                cursor={cursors.lots_cursor}
                next={lots.body.next_cursor}
                testId="user-lots-pager"
              />
            </>
          ) : (
            <ErrorBox message={problemText(lots)} />
          )}
        </section>
      </Layout>,
    );
  });
}
