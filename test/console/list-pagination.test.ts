// Every list page of the console pages by keyset: a "Next" link carries the API's cursor and the
// list's filters, "First page" drops the cursor; following Next until it is gone shows every row
// once. Plain links, no JavaScript. On the in-process console (no browser).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { renderToString } from 'hono/jsx/dom/server';
import { inLanguage } from '../../src/console/i18n/current.ts';
import { Pager } from '../../src/console/pages/pager.tsx';
import { signInConsole, type ConsoleClient } from '../support/console-client.ts';

/** The href of the link labelled `label` inside the pager `testId`, unescaped, minus /ui. */
function pagerLink(html: string, testId: string, label: string): string | undefined {
  const nav = new RegExp(`<nav[^>]*data-testid="${testId}"[^>]*>([\\s\\S]*?)</nav>`).exec(html);
  const href = new RegExp(`<a href="([^"]*)"[^>]*>${label}</a>`).exec(nav?.[1] ?? '')?.[1];
  return href?.replaceAll('&amp;', '&').replace(/^\/ui/, '');
}

/** Follows Next from `start` to the end; the rows each page shows (by `rowPattern`). */
async function followNext(
  ui: ConsoleClient,
  start: string,
  testId: string,
  rowPattern: RegExp,
): Promise<{ rows: string[]; links: string[] }> {
  const rows: string[] = [];
  const links: string[] = [];
  let path: string | undefined = start;
  while (path !== undefined) {
    const page = await ui.page(path);
    expect(page.status, path).toBe(200);
    rows.push(...[...page.html.matchAll(rowPattern)].map((m) => m[1]!));
    path = pagerLink(page.html, testId, 'Next');
    if (path !== undefined) links.push(path);
    expect(links.length).toBeLessThan(50);
  }
  return { rows, links };
}

describe('console list pages', () => {
  let h: Harness;
  let ui: ConsoleClient;
  let strategyId: number;
  beforeAll(async () => {
    h = await createHarness('sqlite');
    ui = await signInConsole(h);
    await h.call(
      'POST',
      '/api/v1/users/bulk',
      Array.from({ length: 120 }, (_, i) => ({
        id: `pg-${String(i).padStart(3, '0')}`,
        name: i % 2 ? 'Odd' : 'Even',
        vip: 1,
      })),
    );
    for (let i = 0; i < 55; i++)
      await h.call('POST', '/api/v1/strategies', {
        name: `pg-s-${i}`,
        title: 't',
        type: 'single',
        amount: 1,
        condition: 'false()',
      });
    strategyId = (
      await h.call('POST', '/api/v1/strategies', {
        name: 'pg-grant',
        title: 't',
        type: 'single',
        amount: 1,
        condition: 'is-vip(1)',
        enabled: true,
      })
    ).body.id as number;
    expect((await h.call('POST', `/api/v1/strategies/${strategyId}/run`)).body.granted).toBe(120);
  });
  afterAll(() => h?.destroy());

  it('strategies: Next through every page, First page back', async () => {
    const { rows, links } = await followNext(
      ui,
      '/strategies',
      'strategies-pager',
      /<a href="\/ui\/strategies\/(\d+)">/g,
    );
    expect(rows).toHaveLength(56);
    expect(new Set(rows).size).toBe(56);
    expect(links).toHaveLength(1);
    const second = await ui.page(links[0]!);
    expect(pagerLink(second.html, 'strategies-pager', 'First page')).toBe('/strategies');
  });

  it("a strategy's ledger: Next keeps the status and user filters", async () => {
    const start = `/strategies/${strategyId}?status=applied`;
    const { rows, links } = await followNext(
      ui,
      start,
      'ledger-pager',
      /<a href="\/ui\/users\/(pg-\d+)">/g,
    );
    expect(new Set(rows).size).toBe(120);
    expect(links.length).toBe(2);
    for (const link of links) expect(link).toMatch(/status=applied/);
    const none = await ui.page(`/strategies/${strategyId}?status=failed`);
    expect(pagerLink(none.html, 'ledger-pager', 'Next')).toBeUndefined();
  });

  it('users: Next keeps the search', async () => {
    const { rows, links } = await followNext(
      ui,
      '/users?q=pg-',
      'users-pager',
      /<td>\s*<a href="\/ui\/users\/(pg-\d+)">/g,
    );
    expect(rows).toHaveLength(120);
    expect(new Set(rows).size).toBe(120);
    for (const link of links) expect(link).toMatch(/q=pg-/);
  });

  it("a user's page shows no pager while the grants fit one page", async () => {
    const page = await ui.page('/users/pg-001');
    expect(page.status).toBe(200);
    expect(page.html).toContain('1 grants');
    expect(page.html).not.toContain('data-testid="user-grants-pager"');
  });

  it('webhooks: the list pages too', async () => {
    for (let i = 0; i < 52; i++)
      await h.call('POST', '/api/v1/webhooks', {
        url: `http://127.0.0.1:9/hook-${i}`,
        event_types: ['occurrence.held'],
      });
    const { rows } = await followNext(
      ui,
      '/webhooks',
      'webhooks-pager',
      /<a href="\/ui\/webhooks\/(\d+)">/g,
    );
    expect(new Set(rows).size).toBe(52);
  });

  it('a cursor that is not one the API gave shows its error, not an empty page', async () => {
    const page = await ui.page('/strategies?cursor=not-a-cursor');
    expect(page.html).toContain('cursor');
    expect(page.html).not.toContain('No strategies yet.');
  });
});

describe('the pager', () => {
  const render = (props: Parameters<typeof Pager>[0]) => renderToString(Pager(props) ?? '');

  it("keeps the filters and the page's other cursors, in its own parameter", () => {
    const html = render({
      path: '/users/u%201',
      query: { grants_cursor: 'g.1', lots_cursor: undefined, q: '' },
      cursorParam: 'lots_cursor',
      cursor: 'l.0',
      next: 'l.1',
    });
    expect(pagerLink(html, 'pager', 'Next')).toBe('/users/u%201?grants_cursor=g.1&lots_cursor=l.1');
    expect(pagerLink(html, 'pager', 'First page')).toBe('/users/u%201?grants_cursor=g.1');
  });

  it("names its links in the page's language", () => {
    const props = { path: '/strategies', query: {}, cursor: 's.0', next: 's.1' };
    const html = inLanguage({ lang: 'zh-CN', here: '/ui/strategies' }, () => render(props));
    expect(html).toContain('aria-label="分页"');
    expect(pagerLink(html, 'pager', '下一页')).toBe('/strategies?cursor=s.1');
    expect(pagerLink(html, 'pager', '第一页')).toBe('/strategies');
    expect(html).not.toMatch(/First page|Next|Pages/);
  });

  it('is absent on a list that fits one page', () => {
    expect(render({ path: '/webhooks', query: {}, cursor: undefined, next: null })).toBe('');
  });
});
