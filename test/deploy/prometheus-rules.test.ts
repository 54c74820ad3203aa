// deploy/prometheus/alerts.yml as Prometheus itself reads it: `promtool check rules` (syntax,
// PromQL, templates) and `promtool test rules` (alerts.test.yml: each alert fires when it
// should and stays quiet otherwise). promtool comes with Debian's prometheus package; .ci/run
// installs it, and under CI=true its absence is a failure, never a skip.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const dir = resolve(import.meta.dirname, '../../deploy/prometheus');
const promtoolFound = spawnSync('promtool', ['--version']).status === 0;
const inCi = process.env.CI === 'true';

interface Rule {
  alert: string;
  expr: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; description?: string };
}

const promtool = (...args: string[]) =>
  execFileSync('promtool', args, { cwd: dir, encoding: 'utf8', stdio: 'pipe' });

describe('deploy/prometheus/alerts.yml', () => {
  it('names a severity, a summary and a description for every alert', () => {
    const file = parse(readFileSync(resolve(dir, 'alerts.yml'), 'utf8')) as {
      groups: { rules: Rule[] }[];
    };
    const rules = file.groups.flatMap((group) => group.rules);
    expect(rules.map((rule) => rule.alert)).toEqual([
      'QuotaGrantsUnknown',
      'QuotaOccurrenceHeld',
      'QuotaGatewayCircuitOpen',
      'QuotaNoSuccessfulScan',
      'QuotaWebhookBacklogGrowing',
      'QuotaUserSourceStale',
    ]);
    for (const rule of rules) {
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.description).toBeTruthy();
    }
  });

  // Under CI these run even without promtool, and fail saying what is missing.
  const withPromtool = it.runIf(promtoolFound || inCi);

  withPromtool('passes promtool check rules', () => {
    expect(promtoolFound, 'promtool is not on PATH: apt-get install prometheus').toBe(true);
    expect(promtool('check', 'rules', 'alerts.yml')).toMatch(/SUCCESS: 6 rules found/);
  });

  withPromtool('passes its unit tests (promtool test rules)', () => {
    expect(promtoolFound, 'promtool is not on PATH: apt-get install prometheus').toBe(true);
    expect(promtool('test', 'rules', 'alerts.test.yml')).toMatch(/SUCCESS/);
  });
});
