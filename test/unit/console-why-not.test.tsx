// The why-not view leads with the API's sentence and marks the nodes it names, and the closed
// holds say why each ended, in both languages: rendered without a browser.
import { describe, expect, it } from 'vitest';
import type { ExplanationJson } from '../../src/console/api-types.ts';
import { ExplanationView } from '../../src/console/pages/why-not-page.tsx';
import { ClosedHolds } from '../../src/console/pages/held-panel.tsx';
import { inLanguage } from '../../src/console/i18n/current.ts';

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

  it('in Chinese, keeps the API sentence marked English and words its own framing in Chinese', async () => {
    const html = await inLanguage({ lang: 'zh-CN', here: '/ui/why-not' }, async () =>
      String(
        await (
          <ExplanationView explanation={{ ...explanation, occurrence: null }} frame={frame} />
        ),
      ),
    );
    expect(html).toMatch(/<p class="summary"[^>]*lang="en"[^>]*><strong>Not granted:/);
    expect(html).toContain('← 决定结论');
    expect(html).toContain('周期：尚无到期的周期');
    expect(html).not.toContain('decided');
    expect(html).not.toContain('none due');
  });
});

describe('ClosedHolds', () => {
  const closed = [
    {
      occurrence: '2026-12-01T00:00:00.000Z',
      closed_at: '2026-12-02T00:00:00.000Z',
      status: 'superseded' as const,
    },
    {
      occurrence: '2026-12-03T00:00:00.000Z',
      closed_at: '2026-12-04T00:00:00.000Z',
      status: 'dismissed' as const,
    },
  ];
  const now = new Date('2026-12-07T00:00:00.000Z');

  it('says why each hold closed, in either language', async () => {
    const render = async () =>
      String(await (<ClosedHolds closed={closed} zone="Asia/Shanghai" now={now} />));
    const en = await render();
    expect(en).toContain('Holds closed without a grant');
    expect(en).toContain('dismissed by an operator');
    expect(en).toContain('2026-12-01 08:00 Asia/Shanghai');
    const zh = await inLanguage({ lang: 'zh-CN', here: '/ui' }, render);
    expect(zh).toContain('已关闭且未发放的暂扣');
    expect(zh).toContain('已被操作员作废');
    expect(zh).toContain('已被取代');
    expect(zh).not.toMatch(/superseded:|dismissed by/);
  });

  it('shows nothing when no hold closed', async () => {
    expect(String(await (<ClosedHolds closed={[]} zone="UTC" now={now} />))).toBe('');
  });
});
