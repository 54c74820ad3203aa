// The why-not view leads with the API's sentence and marks the nodes it names: rendered without
// a browser.
import { describe, expect, it } from 'vitest';
import type { ExplanationJson } from '../../src/contract/wire-types.ts';
import { ExplanationView } from '../../src/console/pages/why-not-page.tsx';

const leaf = (text: string, result: boolean) => ({ text, result, observed: {}, children: [] });

const explanation: ExplanationJson = {
  verdict: 'condition_false',
  occurrence: 'once',
  reasons: ['the condition is false for this user'],
  summary: 'Not granted: the user is VIP level 1, below 2 (is-vip).',
  decisive_nodes: [[1]],
  condition: {
    text: 'and(belong-to("acme"), is-vip(2))',
    result: false,
    observed: {},
    children: [leaf('belong-to("acme")', true), leaf('is-vip(2)', false)],
  },
  ledger: null,
  decision: 'condition_false',
  amount: null,
  strategy_state: {
    enabled: true,
    outside_window: false,
    occurrence_done: false,
    next_occurrence: null,
  },
  lot_expires_at: null,
};

const frame = { zone: 'UTC', zoneOf: 'strategy', now: new Date() } as const;

describe('ExplanationView', () => {
  it('leads with the summary, before the verdict and the tree', async () => {
    const html = String(await (<ExplanationView explanation={explanation} frame={frame} />));
    const summary = html.indexOf('Not granted: the user is VIP level 1, below 2 (is-vip).');
    expect(summary).toBeGreaterThan(-1);
    expect(summary).toBeLessThan(html.indexOf('Verdict'));
    expect(summary).toBeLessThan(html.indexOf('explain-tree'));
  });

  it('marks the decisive node, and only it', async () => {
    const html = String(await (<ExplanationView explanation={explanation} frame={frame} />));
    const marked = [
      ...html.matchAll(/<li[^>]*data-decisive="true"[^>]*>.*?<code>([^<]*)<\/code>/g),
    ];
    expect(marked.map((m) => m[1])).toEqual(['is-vip(2)']);
  });

  it('escapes a summary with markup in it', async () => {
    const html = String(
      await (
        <ExplanationView
          explanation={{ ...explanation, summary: 'org "<b>x</b>"' }}
          frame={frame}
        />
      ),
    );
    expect(html).not.toContain('<b>x</b>');
  });
});
