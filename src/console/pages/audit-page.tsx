// The audit trail (GET /api/v1/audit), newest first, with its filters and cursor pages.
import { problemText } from '../api-client.ts';
import type { ConsoleApp } from '../console-env.ts';
import { AuditChanges } from './audit-changes.tsx';
import { Instant } from './instant.tsx';
import { base, ErrorBox, Layout, Unavailable } from './layout.tsx';
import { t } from '../i18n/current.ts';

const FILTERS = ['actor', 'target_type', 'target_id', 'from', 'to'] as const;

export function registerAuditPage(app: ConsoleApp): void {
  app.get('/audit', async (c) => {
    const query = Object.fromEntries(
      FILTERS.map((name) => [name, (c.req.query(name) ?? '').trim()]),
    );
    const api = c.get('api');
    // The daemon's zone comes with its statistics; the audit answer carries UTC instants.
    const [trail, stats] = await Promise.all([
      api.get('/api/v1/audit', { query: { ...query, cursor: c.req.query('cursor') } }),
      api.get('/api/v1/stats'),
    ]);
    const zone = stats.ok ? stats.body.time_zone : 'UTC';
    const now = new Date();
    const m = t().audit;
    return c.html(
      <Layout title={m.title} session={c.get('session')} active="audit">
        <form method="get" action={`${base()}/audit`} class="card filters">
          {FILTERS.map((name) => (
            <div class="field">
              <label for={name}>{m.filters[name]}</label>
              <input type="text" id={name} name={name} value={query[name]} />
            </div>
          ))}
          <button type="submit">{t().common.filter}</button>
        </form>
        {trail.missing && <Unavailable what={m.unavailable} route="GET /api/v1/audit" />}
        {!trail.ok && !trail.missing && <ErrorBox message={problemText(trail)} />}
        {trail.ok && (
          <>
            <div class="scroll">
              <table data-testid="audit">
                <thead>
                  <tr>
                    <th scope="col">{m.when}</th>
                    <th scope="col">{m.actor}</th>
                    <th scope="col">{m.action}</th>
                    <th scope="col">{m.target}</th>
                    <th scope="col">{m.changes}</th>
                    <th scope="col">{m.request}</th>
                  </tr>
                </thead>
                <tbody>
                  {trail.body.items.map((e) => (
                    <tr>
                      <td>
                        <Instant at={e.at} zone={zone} zoneOf="daemon" now={now} />
                      </td>
                      <td translate="no">{e.actor}</td>
                      <td>
                        {/* The action is the audit trail's machine name (strategy.update, …). */}
                        <code>{e.action}</code>
                      </td>
                      <td>
                        {e.target_type === 'strategy' && e.target_id ? (
                          <a href={`${base()}/strategies/${e.target_id}`}>
                            {m.targetTypes.strategy} {e.target_id}
                          </a>
                        ) : (
                          `${m.targetTypes[e.target_type] ?? e.target_type} ${e.target_id}`
                        )}
                      </td>
                      <td>
                        <AuditChanges changes={e.changes} />
                      </td>
                      <td>
                        <code>{e.request_id ?? ''}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {trail.body.items.length === 0 && <p>{m.none}</p>}
            {trail.body.next_cursor && (
              <a
                href={`${base()}/audit?${new URLSearchParams({ ...query, cursor: trail.body.next_cursor }).toString()}`}
              >
                {m.older}
              </a>
            )}
          </>
        )}
      </Layout>,
    );
  });
}
