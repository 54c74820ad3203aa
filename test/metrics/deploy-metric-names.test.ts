// Every metric the alert rules and the Grafana dashboard query is one the daemon really
// exports: the names are read from the PromQL in deploy/ and compared with the `# TYPE` lines
// of a real /metrics scrape (a SQLite harness, so the SQLite-only metrics are there too).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app-harness.ts';

const deploy = resolve(import.meta.dirname, '../../deploy');

const KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'bool']);

/** Metric names in a PromQL expression: identifiers that are not functions, keywords or labels. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // label values
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '') // label lists
    .replace(/\[[^\]]*\]/g, '') // ranges
    .replace(/\$\w+/g, ''); // Grafana variables
  return [...bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)]
    .filter(([, name, call]) => !call && !KEYWORDS.has(name!))
    .map(([, name]) => name!);
}

/** Sample names a scrape can hold: each family's name, and _bucket/_sum/_count of histograms. */
function exportedNames(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) names.add(name! + s);
    if (type === 'summary') for (const s of ['_sum', '_count']) names.add(name! + s);
  }
  return names;
}

function alertExpressions(): string[] {
  const file = parse(readFileSync(resolve(deploy, 'prometheus/alerts.yml'), 'utf8')) as {
    groups: { rules: { expr: string }[] }[];
  };
  return file.groups.flatMap((group) => group.rules.map((rule) => rule.expr));
}

function dashboardExpressions(): string[] {
  const dashboard = JSON.parse(
    readFileSync(resolve(deploy, 'grafana/quota-manager.json'), 'utf8'),
  ) as { panels: { targets?: { expr: string }[] }[] };
  return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((t) => t.expr));
}

describe('metric names in deploy/', () => {
  let h: Harness;
  let exported: Set<string>;
  beforeAll(async () => {
    // A user source (never reached: nothing listens on port 9) so its metrics are exported.
    h = await createHarness('sqlite', {
      userSource: { url: 'postgresql://reader:x@127.0.0.1:9/users', query: 'SELECT 1 AS id' },
    });
    const response = await h.app.request('/metrics');
    expect(response.status).toBe(200);
    exported = exportedNames(await response.text());
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('the extractor finds metric names and nothing else', () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le, operation) (rate(a_seconds_bucket{outcome!="x y"}[$__rate_interval]))) ' +
          '/ on (instance) b_total unless time() - c > 120',
      ),
    ).toEqual(['a_seconds_bucket', 'b_total', 'c']);
  });

  it.each([
    ['prometheus/alerts.yml', alertExpressions],
    ['grafana/quota-manager.json', dashboardExpressions],
  ])('%s queries only metrics /metrics exports', (_file, expressions) => {
    const used = [...new Set(expressions().flatMap(metricNames))].sort();
    expect(used.length).toBeGreaterThan(3);
    expect(used.filter((name) => !exported.has(name))).toEqual([]);
  });

  it('the dashboard covers grants per strategy, ledger states, the gateway and scans', () => {
    const used = new Set(dashboardExpressions().flatMap(metricNames));
    for (const name of [
      'quota_manager_granted_amount_total',
      'quota_manager_ledger_rows',
      'quota_manager_gateway_request_duration_seconds_bucket',
      'quota_manager_gateway_circuit_open',
      'quota_manager_scan_duration_seconds_bucket',
    ])
      expect(used).toContain(name);
  });
});
