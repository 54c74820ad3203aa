// Strategies: the list (type, mode, enabled, next fire time, granted totals) and one strategy's
// page (fields, version, next fire times, preview of an occurrence, its ledger, its actions).
import { problemText } from '../api-client.ts';
import type { ConsoleApp } from '../console-env.ts';
import { base, ErrorBox, fmtAmount, Layout, Unavailable } from './layout.tsx';
import { RedirectNotices } from './notices.tsx';
import { CronText } from './cron-words.tsx';
import { Instant, type TimeFrame } from './instant.tsx';
import { StrategyActions } from './strategy-actions.tsx';
import { ClosedHolds, HeldPanel } from './held-panel.tsx';
import { FieldList, LedgerSection, PreviewSection } from './strategy-sections.tsx';
import { previewOf, strategiesWithStats } from './strategy-data.ts';
import { t } from '../i18n/current.ts';
import { Pager } from './pager.tsx';

/** Strategies per page of the list (each row reads its statistics too). */
const STRATEGIES_PER_PAGE = 50;

export function registerStrategyPages(app: ConsoleApp): void {
  app.get('/strategies', async (c) => {
    const cursor = c.req.query('cursor') || undefined;
    const { rows, next, error } = await strategiesWithStats(c.get('api'), 0, {
      cursor,
      limit: STRATEGIES_PER_PAGE,
    });
    const admin = c.get('session').role === 'admin';
    const now = new Date();
    const m = t().strategies;
    return c.html(
      <Layout title={m.title} session={c.get('session')} active="strategies">
        <ErrorBox message={error} />
        {admin && (
          <p>
            <a class="button" href={`${base()}/strategies/new`}>
              {m.newStrategy}
            </a>
          </p>
        )}
        <div class="scroll">
          <table data-testid="strategies">
            <thead>
              <tr>
                <th scope="col">{m.name}</th>
                <th scope="col">{m.type}</th>
                <th scope="col">{m.mode}</th>
                <th scope="col">{m.enabled}</th>
                <th scope="col">{m.schedule}</th>
                <th scope="col">{m.nextFireTime}</th>
                <th scope="col" class="num">
                  {m.grantedAllTime}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ strategy: s, stats }) => (
                <tr>
                  <td>
                    <a href={`${base()}/strategies/${s.id}`}>{s.name}</a>
                    <div class="hint">{s.title}</div>
                  </td>
                  <td>{m.types[s.type]}</td>
                  <td>{m.modes[s.mode]}</td>
                  <td>{s.enabled ? t().common.yes : t().common.no}</td>
                  <td>
                    <CronText expression={s.periodic_expr} />
                  </td>
                  <td>
                    <Instant
                      at={stats?.next_occurrences[0]?.at}
                      zone={s.timezone}
                      zoneOf="strategy"
                      now={now}
                    />
                  </td>
                  <td class="num">
                    {stats
                      ? `${fmtAmount(stats.all_time.total.amount)} (${stats.all_time.total.grants})`
                      : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {rows.length === 0 && !error && <p>{m.none}</p>}
        <Pager
          path="/strategies"
          query={{}}
          cursor={cursor}
          next={next}
          testId="strategies-pager"
        />
      </Layout>,
    );
  });

  app.get('/strategies/:id{[0-9]+}', async (c) => {
    const api = c.get('api');
    const id = c.req.param('id');
    const strategy = await api.get('/api/v1/strategies/:id', { param: { id } });
    if (!strategy.ok)
      return c.html(
        <Layout title={t().strategy.fallbackTitle} session={c.get('session')} active="strategies">
          <ErrorBox message={problemText(strategy)} />
        </Layout>,
        strategy.status === 404 ? 404 : 502,
      );
    const s = strategy.body;
    const wanted = c.req.query('occurrence') || 'next';
    const filters = {
      status: c.req.query('status') ?? '',
      user_id: c.req.query('user_id') ?? '',
      cursor: c.req.query('cursor') || undefined,
    };
    const [stats, preview, ledger] = await Promise.all([
      api.get('/api/v1/strategies/:id/stats', { param: { id }, query: { next: 5, last: 5 } }),
      previewOf(c.get('api'), id, wanted),
      api.get('/api/v1/strategies/:id/executions', {
        param: { id },
        query: {
          status: filters.status,
          user_id: filters.user_id,
          limit: 50,
          cursor: filters.cursor,
        },
      }),
    ]);
    const next = stats.ok ? stats.body.next_occurrences : [];
    const now = new Date();
    const m = t().strategy;
    const frame: TimeFrame = { zone: s.timezone, zoneOf: 'strategy', now };
    return c.html(
      <Layout title={m.title(s.name)} session={c.get('session')} active="strategies">
        <RedirectNotices query={c.req.query()} frame={frame} />
        <p class="lead">{s.title}</p>
        <StrategyActions session={c.get('session')} strategy={s} />
        <HeldPanel
          session={c.get('session')}
          strategy={s}
          held={stats.ok ? stats.body.held : []}
          etag={strategy.etag}
          frame={frame}
        />
        <ClosedHolds closed={stats.ok ? stats.body.closed_holds : []} zone={s.timezone} now={now} />
        <div class="columns">
          <section class="card" aria-labelledby="fields">
            <h2 id="fields">{m.fieldsTitle}</h2>
            <FieldList strategy={s} now={now} />
          </section>
          <section class="card" aria-labelledby="schedule">
            <h2 id="schedule">{m.nextFireTimes}</h2>
            {next.length === 0 ? (
              <p>{s.type === 'single' ? m.noneNextSingle : m.noneNext}</p>
            ) : (
              <ol data-testid="next-fire-times">
                {next.map((f) => (
                  <li>
                    <Instant at={f.at} zone={s.timezone} zoneOf="strategy" now={now} />
                  </li>
                ))}
              </ol>
            )}
          </section>
        </div>
        <PreviewSection strategyId={s.id} wanted={wanted} result={preview} frame={frame} />
        <LedgerSection strategyId={s.id} filters={filters} ledger={ledger} frame={frame} />
        <p class="hint">
          {m.createdUpdated(
            <Instant at={s.created_at} zone={s.timezone} zoneOf="strategy" now={now} />,
            <Instant at={s.updated_at} zone={s.timezone} zoneOf="strategy" now={now} />,
          )}
        </p>
      </Layout>,
    );
  });

  // The ledger as CSV, streamed from the API's grants export (Accept: text/csv).
  app.get('/strategies/:id{[0-9]+}/ledger.csv', async (c) => {
    const response = await c.get('api').raw('/api/v1/grants', 'text/csv', {
      strategy_id: c.req.param('id'),
      status: c.req.query('status'),
      user_id: c.req.query('user_id'),
    });
    if (response.status === 404 || !response.ok)
      return c.html(
        <Layout title={t().strategy.csvTitle} session={c.get('session')} active="strategies">
          {response.status === 404 ? (
            <Unavailable what={t().strategy.csvUnavailable} route="GET /api/v1/grants" />
          ) : (
            <ErrorBox message={t().strategy.csvFailed(response.status)} />
          )}
        </Layout>,
        response.status === 404 ? 404 : 502,
      );
    return new Response(response.body, {
      status: 200,
      headers: {
        'content-type': response.headers.get('content-type') ?? 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="strategy-${c.req.param('id')}-grants.csv"`,
      },
    });
  });
}
