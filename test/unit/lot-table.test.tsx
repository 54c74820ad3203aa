// The console's lot table is a view of the API's lot JSON: rendered without a browser.
import { describe, expect, it } from 'vitest';
import type { LotJson } from '../../src/console/api-types.ts';
import { LotTable } from '../../src/console/pages/lot-table.tsx';

const lot = (overrides: Partial<LotJson>): LotJson => ({
  id: 1,
  user_id: 'ü<script>',
  strategy_id: 3,
  occurrence: '2026-12-01T00:00:00.000Z',
  source: 'grant',
  amount: 100,
  consumed: 20,
  remaining: 80,
  granted_at: '2026-12-01T00:00:02.000Z',
  expires_at: '2027-01-01T00:00:00.000Z',
  priority: 0,
  state: 'active',
  expired_amount: null,
  carried: null,
  expiry_status: null,
  ...overrides,
});

const frame = {
  zone: 'Asia/Shanghai',
  zoneOf: 'daemon',
  now: new Date('2026-12-15T00:00:00Z'),
} as const;
const render = async (lots: LotJson[]) => String(await (<LotTable lots={lots} frame={frame} />));

describe('LotTable', () => {
  it('lists active and expired lots with what was taken back and carried', async () => {
    const html = await render([
      lot({}),
      lot({
        id: 2,
        state: 'expired',
        remaining: 0,
        expired_amount: 30,
        carried: 50,
        expiry_status: 'applied',
        occurrence: '<b>x</b>',
      }),
    ]);
    expect(html).toContain('data-testid="lot-table"');
    // Times in the one console format: the zone's wall clock, the zone, how far from now.
    expect(html).toContain('2027-01-01 08:00 Asia/Shanghai');
    expect(html).toContain('(in 17 days)');
    expect(html).toContain('active');
    expect(html).toMatch(/expired \(applied\): 30(\.00)? taken back, 50(\.00)? carried over/);
    // Text is escaped, never markup.
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(html).not.toContain('<b>x</b>');
  });

  it('says so when there are no lots', async () => {
    expect(await render([])).toContain('No lots');
  });
});
