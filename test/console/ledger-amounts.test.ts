// Ledger rows in the console show what each grant did to the balance, per grant mode (issue
// 24): `balance before / sent / target` on the strategy page, the user page and the unknown-grants
// page (a top-up to 200 of balances 110 and 125 sent 90 and 75, not 200), the same columns in the
// CSV export, and guidance on the unknown-grants page worded for each mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { signInConsole, type ConsoleClient } from '../support/console-client.ts';
import { unique } from '../support/unique-name.ts';

/** The three amount cells of the ledger row of `userId` in a page's HTML. */
function amountCells(html: string, userId: string) {
  const row = [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
    .map((m) => m[1]!)
    .find((r) => r.includes(`>${userId}</a>`));
  const cell = (col: string) =>
    new RegExp(`data-col="${col}"[^>]*>([^<]*)<`).exec(row ?? '')?.[1] ?? 'missing';
  return { before: cell('balance_before'), sent: cell('delta_sent'), target: cell('target') };
}

describe('ledger rows in the console, per grant mode', () => {
  let h: Harness;
  let ui: ConsoleClient;
  let topUpId: number;
  let addId: number;
  const org = unique('ledger-org');
  const plainOrg = unique('ledger-add-org');
  const [low, mid, plain] = [`${org}-low`, `${org}-mid`, `${plainOrg}-plain`];

  beforeAll(async () => {
    h = await createHarness('sqlite', { honoursIdempotency: false });
    ui = await signInConsole(h);
    await h.call('POST', '/api/v1/users/bulk', [
      { id: low, org, vip: 1 },
      { id: mid, org, vip: 1 },
      { id: plain, org: plainOrg },
    ]);
    await h.runtime.gateway.refreshQuota(low, 110);
    await h.runtime.gateway.refreshQuota(mid, 125);
    const create = async (fields: Record<string, unknown>) =>
      (
        await h.call('POST', '/api/v1/strategies', {
          name: unique('ledger'),
          title: 'ledger amounts',
          type: 'single',
          enabled: true,
          ...fields,
        })
      ).body.id as number;
    topUpId = await create({
      mode: 'top_up',
      amount: 200,
      condition: `belong-to("${org}")`,
    });
    addId = await create({
      mode: 'add',
      amount: 7,
      condition: `belong-to("${plainOrg}")`,
    });
    expect((await h.call('POST', `/api/v1/strategies/${topUpId}/run`)).status).toBe(200);
    expect((await h.call('POST', `/api/v1/strategies/${addId}/run`)).status).toBe(200);
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('shows what a top-up sent, beside the balance it read and its target, on the strategy page', async () => {
    const { html } = await ui.page(`/strategies/${topUpId}`);
    expect(amountCells(html, low)).toEqual({ before: '110', sent: '90', target: '200' });
    expect(amountCells(html, mid)).toEqual({ before: '125', sent: '75', target: '200' });
  });

  it('shows an add grant as sent, with no balance read and no target', async () => {
    const { html } = await ui.page(`/strategies/${addId}`);
    expect(amountCells(html, plain)).toEqual({ before: '—', sent: '7', target: '—' });
  });

  it('shows the same columns on the user page', async () => {
    const { html } = await ui.page(`/users/${encodeURIComponent(low)}`);
    expect(amountCells(html, low)).toEqual({ before: '110', sent: '90', target: '200' });
  });

  it('exports balance_before, delta_sent and target in the CSV', async () => {
    const { html: csv } = await ui.page(`/strategies/${topUpId}/ledger.csv`);
    const [header, ...lines] = csv.trim().split('\n');
    const columns = header!.split(',');
    const row = lines.map((l) => l.split(',')).find((cells) => cells.includes(low))!;
    const at = (name: string) => row[columns.indexOf(name)];
    expect([at('balance_before'), at('delta_sent'), at('target')]).toEqual(['110', '90', '200']);
  });

  it('shows unknown top-up and add grants with their amounts and guidance for each mode', async () => {
    const [toppedOrg, addedOrg] = [unique('unknown-top-up'), unique('unknown-add')];
    const [topped, added] = [`${toppedOrg}-u`, `${addedOrg}-u`];
    await h.call('POST', '/api/v1/users/bulk', [
      { id: topped, org: toppedOrg },
      { id: added, org: addedOrg },
    ]);
    await h.runtime.gateway.refreshQuota(topped, 150);
    const strategies = [
      { mode: 'top_up', amount: 200, condition: `belong-to("${toppedOrg}")` },
      { mode: 'add', amount: 7, condition: `belong-to("${addedOrg}")` },
    ];
    h.mock.setFaults({ drop_after_apply_rate: 1 });
    for (const fields of strategies) {
      const created = await h.call('POST', '/api/v1/strategies', {
        name: unique('unknown'),
        title: 'unknown outcome',
        type: 'single',
        enabled: true,
        ...fields,
      });
      await h.call('POST', `/api/v1/strategies/${created.body.id}/run`);
    }
    h.mock.setFaults({ drop_after_apply_rate: 0 });
    // The top-up is in doubt (`sending`) until its settle time; a settle that cannot tell
    // leaves it `unknown`, which is written here rather than waited for.
    await h.database.db.quotaExecute.updateMany({
      where: { userId: topped, status: 'sending' },
      data: { status: 'unknown' },
    });
    const { html } = await ui.page('/unknown-grants');
    expect(amountCells(html, topped)).toEqual({ before: '150', sent: '50', target: '200' });
    expect(amountCells(html, added)).toEqual({ before: '—', sent: '7', target: '—' });
    const guidance = (mode: string) =>
      new RegExp(`data-testid="guidance-${mode}"[^>]*>([\\s\\S]*?)</li>`).exec(html)?.[1] ?? '';
    expect(guidance('add')).toMatch(/reads no balance before sending/);
    expect(guidance('top_up')).toMatch(/near the target/);
    expect(guidance('reset')).toBe('');
  });
});
