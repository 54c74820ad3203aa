// Reference tables in docs/ that list what the code defines: a new error code, metric or demo
// strategy must reach the page an operator reads.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_STRATEGIES } from '../../scripts/demo-data.ts';
import { STATUS_BY_CODE } from '../../src/contract/problem.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';

const api = readFileSync('docs/api.md', 'utf8');

describe('docs/api.md', () => {
  it('names every error code', () => {
    const codes = Object.keys(STATUS_BY_CODE);
    expect(codes.filter((code) => !api.includes(`\`${code}\``))).toEqual([]);
  });

  it("lists every metric of the daemon's own in the metrics table", async () => {
    const metrics = createMetrics({ processMetrics: false });
    const names = (await metrics.registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((name) => !api.includes(`| \`${name}\` |`))).toEqual([]);
  });

  it('lists every ledger status the backlog gauge reports', () => {
    const row = api.split('\n').find((line) => line.startsWith('| `quota_manager_ledger_rows` |'));
    for (const status of ['pending', 'sending', 'failed', 'unknown'])
      expect(row).toContain(`\`${status}\``);
  });
});

describe('docs/cli.md', () => {
  it('counts the demo strategies seed-demo writes', () => {
    const words = [
      '',
      'one',
      'two',
      'three',
      'four',
      'five',
      'six',
      'seven',
      'eight',
      'nine',
      'ten',
    ];
    expect(readFileSync('docs/cli.md', 'utf8')).toContain(
      `${words[DEMO_STRATEGIES.length]} sample strategies`,
    );
  });
});
