// The overview's cards (issue 24): "Granted" counts applied grants only, and what needs a
// person links to the list it counts. Views rendered from data, no browser.
import { describe, expect, it } from 'vitest';
import type {
  GrantStatsJson,
  StrategyJson,
  StrategyStatsJson,
} from '../../src/console/api-types.ts';
import { AttentionBadges } from '../../src/console/pages/attention-badges.tsx';
import { GrantedCards } from '../../src/console/pages/granted-cards.tsx';
import type { StrategyWithStats } from '../../src/console/pages/strategy-data.ts';

const html = (node: unknown) => String(node);
const totals = (grants: number, amount: number) => ({ grants, amount });

function period(): GrantStatsJson['today'] {
  return {
    since: '2026-12-07T00:00:00+00:00',
    total: totals(10, 1000),
    by_status: {
      pending: totals(1, 100),
      sending: totals(1, 100),
      applied: totals(4, 400.5),
      failed: totals(2, 200),
      unknown: totals(2, 199.5),
    },
  };
}

function row(id: number, name: string, failed: number, held: number): StrategyWithStats {
  const stats = {
    all_time: { ...period(), by_status: { ...period().by_status, failed: totals(failed, 0) } },
    held: Array.from({ length: held }, () => ({})),
  } as unknown as StrategyStatsJson;
  return { strategy: { id, name } as StrategyJson, stats };
}

describe('GrantedCards', () => {
  it('counts applied grants only, not pending, sending, failed or unknown ones', () => {
    const stats = {
      time_zone: 'UTC',
      generated_at: '2026-12-07T06:00:00Z',
      today: period(),
      this_month: period(),
      all_time: { ...period(), since: null },
      expired_amount: { today: 0, this_month: 0, all_time: 0 },
    };
    const out = html(GrantedCards({ stats }));
    expect(out.match(/400\.5/g)).toHaveLength(3);
    expect(out.match(/4 grants applied/g)).toHaveLength(3);
    expect(out).not.toContain('1,000');
    expect(out).not.toContain('10 grants');
  });
});

describe('AttentionBadges', () => {
  it('links unknown grants to their page, failed ones to the strategy ledger filtered to failed, held ones to the held list', () => {
    const out = html(
      AttentionBadges({
        counts: { unknown: 3, failed: 2 },
        rows: [row(7, 'daily', 2, 1), row(8, 'quiet', 0, 0)],
      }),
    );
    expect(out).toContain('href="/ui/unknown-grants" data-testid="badge-unknown"');
    expect(out).toContain(
      'href="/ui/strategies/7?status=failed#ledger" data-testid="badge-failed"',
    );
    expect(out).toContain('href="/ui/strategies/7#held" data-testid="badge-held"');
  });

  it('lists each strategy when several have failed or held grants, and links nothing for none', () => {
    const several = html(
      AttentionBadges({
        counts: { unknown: 0, failed: 3 },
        rows: [row(7, 'daily', 2, 2), row(9, 'weekly', 1, 1)],
      }),
    );
    expect(several).toContain('href="#failed-by"');
    expect(several).toContain('<a href="/ui/strategies/9?status=failed#ledger">weekly (1) </a>');
    expect(several).toContain('<a href="/ui/strategies/7#held">daily (2) </a>');
    expect(several).toContain('Held occurrences: <strong>3</strong>');
    expect(several).toContain(
      '<span class="badge" data-testid="badge-unknown">Unknown outcome: <strong>none</strong></span>',
    );
  });
});
