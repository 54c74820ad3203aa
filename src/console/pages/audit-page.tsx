// The audit trail (GET /api/v1/audit), newest first, with its filters and cursor pages.
import { problemText } from '../api-client.ts';
import type { AuditEventJson, GrantStatsJson, PageJson } from '../../contract/wire-types.ts';
import type { ConsoleApp } from '../console-env.ts';
import { AuditChanges } from './audit-changes.tsx';
import { Instant } from './instant.tsx';
import { base, ErrorBox, Layout, Unavailable } from './layout.tsx';

const FILTERS = [
  ['actor', 'Actor (token name)'],
  ['target_type', 'Target type (strategy, user, grant, scan)'],
  ['target_id', 'Target id'],
  ['from', 'From (ISO time)'],
  ['to', 'To (ISO time)'],
] as const;

export function registerAuditPage(app: ConsoleApp): void {
  app.get('/audit', async (c) => {
    const query = Object.fromEntries(
      FILTERS.map(([name]) => [name, (c.req.query(name) ?? '').trim()]),
    );
    const api = c.get('api');
    // The daemon's zone comes with its statistics; the audit answer carries UTC instants.
    const [trail, stats] = await Promise.all([
      api.get<PageJson<AuditEventJson>>('/api/v1/audit', {
        ...query,
        cursor: c.req.query('cursor'),
      }),
      api.get<GrantStatsJson>('/api/v1/stats'),
    ]);
    const zone = stats.ok ? stats.body.time_zone : 'UTC';
    const now = new Date();
    return c.html(
      <Layout title="Audit" session={c.get('session')} active="audit">
        <form method="get" action={`${base()}/audit`} class="card filters">
          {FILTERS.map(([name, label]) => (
            <div class="field">
              <label for={name}>{label}</label>
              <input type="text" id={name} name={name} value={query[name]} />
            </div>
          ))}
          <button type="submit">Filter</button>
        </form>
        {trail.missing && <Unavailable what="The audit trail" route="GET /api/v1/audit" />}
        {!trail.ok && !trail.missing && <ErrorBox message={problemText(trail)} />}
        {trail.ok && (
          <>
            <div class="scroll">
              <table data-testid="audit">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Actor</th>
                    <th scope="col">Action</th>
                    <th scope="col">Target</th>
                    <th scope="col">Changes</th>
                    <th scope="col">Request</th>
                  </tr>
                </thead>
                <tbody>
                  {trail.body.items.map((e) => (
                    <tr>
                      <td>
                        <Instant at={e.at} zone={zone} zoneOf="daemon" now={now} />
                      </td>
                      <td>{e.actor}</td>
                      <td>{e.action}</td>
                      <td>
                        {e.target_type === 'strategy' && e.target_id ? (
                          <a href={`${base()}/strategies/${e.target_id}`}>strategy {e.target_id}</a>
                        ) : (
                          `${e.target_type} ${e.target_id}`
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
            {trail.body.items.length === 0 && <p>No events match.</p>}
            {trail.body.next_cursor && (
              <a
                href={`${base()}/audit?${new URLSearchParams({ ...query, cursor: trail.body.next_cursor }).toString()}`}
              >
                Older events
              </a>
            )}
          </>
        )}
      </Layout>,
    );
  });
}
