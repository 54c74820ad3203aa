// Overview: what was given away (today, this month, all time), the last 30 days per strategy,
// the gateway and its circuit breaker, grants that need a human, and held occurrences.
import type { ApiClient } from '../api-client.ts';
import type { GrantStatsJson } from '../api-types.ts';
import type { ConsoleApp } from '../console-env.ts';
import { AttentionBadges } from './attention-badges.tsx';
import { GrantedCards } from './granted-cards.tsx';
import { Instant } from './instant.tsx';
import { fmtAmount, Layout } from './layout.tsx';
import { t } from '../i18n/current.ts';
import { dayIn, strategiesWithStats, type StrategyWithStats } from './strategy-data.ts';

const DAYS = 30;

export function registerOverviewPage(app: ConsoleApp): void {
  app.get('/', async (c) => {
    const api = c.get('api');
    const [stats, ready, gauges, strategies] = await Promise.all([
      api.get('/api/v1/stats'),
      // 503 still has the body naming the failed check.
      api.probe<{ status: string; checks: Record<string, string> }>('/readyz'),
      metricGauges(api),
      strategiesWithStats(api, 100),
    ]);
    const zone = stats.ok ? stats.body.time_zone : 'UTC';
    const chart = chartData(strategies.rows, zone, new Date());
    const waiting: Partial<GrantStatsJson['all_time']['by_status']> = stats.ok
      ? stats.body.all_time.by_status
      : {};
    const m = t().overview;
    const check = (value: string | undefined) =>
      value === undefined ? m.checkUnknown : value === 'ok' ? m.checkOk : value;
    return c.html(
      <Layout title={m.title} session={c.get('session')} active="overview">
        {stats.ok ? (
          <>
            <GrantedCards stats={stats.body} />
            <p class="hint">
              {m.asOf(
                <Instant
                  at={stats.body.generated_at}
                  zone={zone}
                  zoneOf="daemon"
                  now={new Date()}
                />,
              )}
            </p>
          </>
        ) : (
          <p class="notice error">{m.statsFailed(stats.status)}</p>
        )}
        <section class="cards">
          <div class="card" data-testid="gateway">
            <h2>{m.gatewayTitle}</h2>
            <p>
              {m.gatewayLine(
                <strong class={ready.body?.checks.gateway === 'ok' ? 'good' : 'bad'}>
                  {check(ready.body?.checks.gateway)}
                </strong>,
                <strong class={ready.body?.checks.database === 'ok' ? 'good' : 'bad'}>
                  {check(ready.body?.checks.database)}
                </strong>,
              )}
            </p>
            <p>
              {m.breaker}
              {gauges.circuitOpen === undefined ? (
                <span>{m.breakerNotReported}</span>
              ) : (
                <strong class={gauges.circuitOpen ? 'bad' : 'good'}>
                  {gauges.circuitOpen ? m.breakerOpen : m.breakerClosed}
                </strong>
              )}
            </p>
          </div>
          <div class="card" data-testid="waiting">
            <h2>{m.attentionTitle}</h2>
            <AttentionBadges
              counts={{
                unknown: waiting.unknown?.grants ?? 0,
                failed: waiting.failed?.grants ?? 0,
              }}
              rows={strategies.rows}
            />
          </div>
        </section>
        <section aria-labelledby="chart-title" class="card">
          <h2 id="chart-title">{m.chartTitle(DAYS)}</h2>
          <p class="hint">{m.chartHint(zone)}</p>
          <div
            id="chart"
            data-chart={JSON.stringify(chart)}
            data-axis-day={m.chartAxisDay}
            data-axis-amount={m.chartAxisAmount}
            role="img"
            aria-label={m.chartLabel}
          ></div>
          <details>
            <summary>{m.theNumbers}</summary>
            <ChartTable chart={chart} />
          </details>
        </section>
      </Layout>,
    );
  });
}

export interface Chart {
  days: string[];
  series: { name: string; values: number[] }[];
}

function chartData(rows: StrategyWithStats[], zone: string, now: Date): Chart {
  const days: string[] = [];
  for (let i = DAYS - 1; i >= 0; i--)
    days.push(dayIn(new Date(now.getTime() - i * 86_400_000), zone));
  const index = new Map(days.map((d, i) => [d, i]));
  const series = rows
    .filter((r) => r.strategy.type === 'periodic' && r.stats)
    .map((r) => {
      const values = days.map(() => 0);
      for (const o of r.stats!.recent_occurrences) {
        const at = index.get(dayIn(new Date(o.occurrence), zone));
        if (at !== undefined) values[at]! += o.by_status.applied.amount;
      }
      return { name: r.strategy.name, values };
    });
  return { days, series };
}

function ChartTable(props: { chart: Chart }) {
  const { days, series } = props.chart;
  const active = days.map((_, i) => i).filter((i) => series.some((s) => s.values[i]! > 0));
  if (active.length === 0) return <p>{t().overview.nothingGranted}</p>;
  return (
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">{t().overview.day}</th>
            {series.map((s) => (
              <th scope="col">{s.name}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {active.map((i) => (
            <tr>
              <th scope="row">{days[i]}</th>
              {series.map((s) => (
                <td class="num">{fmtAmount(s.values[i])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Two gauges from the Prometheus text: the breaker, and nothing else the API lacks. */
async function metricGauges(api: ApiClient): Promise<{ circuitOpen?: boolean }> {
  const response = await api.raw('/metrics', 'text/plain');
  if (!response.ok) return {};
  const text = await response.text();
  const match = /^quota_manager_gateway_circuit_open (\d+)/m.exec(text);
  return match ? { circuitOpen: match[1] === '1' } : {};
}
