// Every list of the API pages by keyset: rows added and removed between two pages make no row
// that existed throughout be skipped or repeated; a cursor is opaque and tamper-evident (edited,
// truncated, or another list's → 400 invalid_cursor); `offset` still works for one release and
// `cursor` wins over it. On every database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/contract/schemas/cursor.ts';
import { createHarness, type Harness, type JsonBody } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';

interface ListPage {
  items: JsonBody[];
  next_cursor: string | null;
}

describe.each(DATABASE_KINDS)('keyset pagination on %s', (kind) => {
  let h: Harness;
  let strategyId: number;
  beforeAll(async () => {
    h = await createHarness(kind);
    await h.call(
      'POST',
      '/api/v1/users/bulk',
      Array.from({ length: 9 }, (_, i) => ({ id: `kp-${i}`, name: `Keyset ${i}`, vip: 1 })),
    );
    strategyId = (
      await h.call('POST', '/api/v1/strategies', {
        name: 'kp-grants',
        title: 'kp',
        type: 'single',
        amount: 1,
        condition: 'is-vip(1)',
        enabled: true,
      })
    ).body.id as number;
    expect((await h.call('POST', `/api/v1/strategies/${strategyId}/run`)).body.granted).toBe(9);
  });
  afterAll(() => h?.destroy());

  const page = async (path: string, cursor: string | null): Promise<ListPage> => {
    const separator = path.includes('?') ? '&' : '?';
    const answer = await h.call(
      'GET',
      `${path}${separator}limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };

  /**
   * Pages through `path`, calling `churn` between pages (it adds and removes rows); every key in
   * `throughout` (rows that exist from start to end) must be seen exactly once, in order.
   */
  async function pageWithChurn(
    path: string,
    key: (item: JsonBody) => string | number,
    churn: (step: number) => Promise<void>,
    /** 'database': text keys, whose order is the database's collation (not JavaScript's). */
    order: 'asc' | 'desc' | 'database',
  ) {
    const before = new Set((await listAll(path)).map(key));
    const seen: (string | number)[] = [];
    let cursor: string | null = null;
    let step = 0;
    do {
      const current: ListPage = await page(path, cursor);
      seen.push(...current.items.map(key));
      cursor = current.next_cursor;
      await churn(step++);
    } while (cursor);
    const after = new Set((await listAll(path)).map(key));
    const throughout = [...before].filter((k) => after.has(k));
    expect(throughout.length).toBeGreaterThan(2);
    for (const k of throughout)
      expect(
        seen.filter((s) => s === k),
        `${k}`,
      ).toHaveLength(1);
    expect(new Set(seen).size).toBe(seen.length);
    if (order === 'database') return;
    const sorted = [...seen].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(seen).toEqual(order === 'asc' ? sorted : sorted.reverse());
  }

  async function listAll(path: string): Promise<JsonBody[]> {
    const all: JsonBody[] = [];
    let cursor: string | null = null;
    do {
      const current: ListPage = await page(path, cursor);
      all.push(...current.items);
      cursor = current.next_cursor;
    } while (cursor);
    return all;
  }

  const newStrategy = async (name: string) =>
    (
      await h.call('POST', '/api/v1/strategies', {
        name,
        title: name,
        type: 'single',
        amount: 1,
        condition: 'false()',
      })
    ).body.id as number;

  it('strategies: created and deleted between pages', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 6; i++) ids.push(await newStrategy(`kp-s-${i}`));
    await pageWithChurn(
      '/api/v1/strategies',
      (s) => s.id as number,
      async (step) => {
        await newStrategy(`kp-s-new-${step}`);
        // Deletes a row the pages have passed and one still ahead of them.
        if (step > 1) return;
        const victim = ids.splice(step === 0 ? 0 : -1, 1)[0]!;
        await h.call('DELETE', `/api/v1/strategies/${victim}`);
      },
      'asc',
    );
  });

  it('users: written and deleted between pages, by id in the database order', async () => {
    await pageWithChurn(
      '/api/v1/users',
      (u) => u.id as string,
      async (step) => {
        await h.call('PUT', `/api/v1/users/kp-${step}-new`, { name: 'new' });
        await h.call('PUT', `/api/v1/users/a-kp-${step}`, { name: 'before every page' });
        if (step === 1) await h.call('DELETE', '/api/v1/users/kp-8');
      },
      'database',
    );
  });

  it('webhooks: endpoints created and deleted between pages', async () => {
    const create = async () =>
      (
        await h.call('POST', '/api/v1/webhooks', {
          url: 'http://127.0.0.1:9/hook',
          event_types: ['occurrence.held'],
        })
      ).body.webhook;
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await create()).id as number);
    await pageWithChurn(
      '/api/v1/webhooks',
      (w) => w.id as number,
      async (step) => {
        await create();
        if (step === 0) await h.call('DELETE', `/api/v1/webhooks/${ids[4]}`);
      },
      'asc',
    );
  });

  it("a strategy's ledger, a user's grants and the whole ledger: new grants between pages", async () => {
    let extra = 0;
    const grantMore = async () => {
      const id = await newStrategy(`kp-more-${extra++}`);
      await h.call('PATCH', `/api/v1/strategies/${id}`, {
        condition: 'is-vip(1)',
        enabled: true,
      });
      await h.call('POST', `/api/v1/strategies/${id}/run`);
    };
    await pageWithChurn(
      `/api/v1/strategies/${strategyId}/executions`,
      (r) => r.id as number,
      grantMore,
      'asc',
    );
    await pageWithChurn('/api/v1/users/kp-0/grants', (r) => r.id as number, grantMore, 'desc');
    await pageWithChurn('/api/v1/grants?user_id=kp-1', (r) => r.id as number, grantMore, 'desc');
    await pageWithChurn(
      '/api/v1/audit?target_type=strategy',
      (e) => e.id as number,
      grantMore,
      'desc',
    );
  });

  it('answers the count beside the cursor where counting is cheap', async () => {
    const first = await h.call('GET', '/api/v1/strategies?limit=1');
    expect(first.body).toMatchObject({
      total: expect.any(Number),
      next_cursor: expect.any(String),
    });
    const last = await h.call('GET', `/api/v1/strategies/${strategyId}/executions?limit=1000`);
    expect(last.body).toMatchObject({ total: 9, next_cursor: null });
    expect((last.body.items as JsonBody[]).length).toBe(9);
  });

  it.each([
    ['/api/v1/strategies', 'strategies'],
    ['/api/v1/users', 'users'],
    ['/api/v1/grants', 'grants'],
    ['/api/v1/audit', 'audit'],
    ['/api/v1/webhooks', 'webhooks'],
    ['/api/v1/users/kp-0/grants', 'user grants'],
    ['/api/v1/users/kp-0/lots', 'lots'],
    ['/api/v1/lots/expiring?within=P7D', 'expiring lots'],
    ['/api/v1/lots/expiries', 'lot expiries'],
  ])('%s refuses cursors it did not hand out (%s)', async (path) => {
    const first = await h.call('GET', `${path}${path.includes('?') ? '&' : '?'}limit=1`);
    expect(first.status).toBe(200);
    // Lists with one row or none still have to refuse: another list's cursor stands in.
    const good =
      (first.body.next_cursor as string | null) ?? encodeCursor('preview-users', 'kp-0')!;
    const [payload, tag] = good.split('.') as [string, string];
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    const bad = [
      `${flip(payload)}.${tag}`,
      `${payload}.${flip(tag)}`,
      payload,
      `${payload}.`,
      '!!',
      '',
      'x'.repeat(5000),
      encodeCursor('preview-users', 'kp-0')!,
      encodeCursor('strategy-executions', 1)!,
      'WzEsMl0', // the cursors before this release: plain base64url, no tag
      '\u0000',
      'é.é',
    ].map(encodeURIComponent);
    for (const cursor of bad) {
      const answer = await h.call(
        'GET',
        `${path}${path.includes('?') ? '&' : '?'}cursor=${cursor}`,
      );
      expect(answer.status, `${path} ${cursor}`).toBe(400);
      expect(answer.body.code, `${path} ${cursor}`).toBe('invalid_cursor');
    }
    // Half a surrogate pair, as UTF-8 bytes (no JavaScript string encodes to it): not UTF-8,
    // refused before any route reads the query.
    for (const cursor of ['%ED%A0%80', '%FF']) {
      const answer = await h.call(
        'GET',
        `${path}${path.includes('?') ? '&' : '?'}cursor=${cursor}`,
      );
      expect(answer.status).toBe(400);
      expect(answer.body.errors).toMatchObject([{ field: 'query' }]);
    }
  });

  it("a strategy's ledger and the expiries' ledger (same query, same rows' shape) refuse each other's cursors", async () => {
    const lists = [
      [`/api/v1/strategies/${strategyId}/executions`, 'strategy-executions'],
      ['/api/v1/lots/expiries', 'lot-expiries'],
    ] as const;
    for (const [path, own] of lists) {
      const ownCursor = encodeURIComponent(encodeCursor(own, 1)!);
      expect((await h.call('GET', `${path}?cursor=${ownCursor}`)).status, path).toBe(200);
      for (const [, other] of lists.filter(([otherPath]) => otherPath !== path)) {
        const foreign = encodeURIComponent(encodeCursor(other, 1)!);
        const answer = await h.call('GET', `${path}?cursor=${foreign}`);
        expect(answer.status, `${path} with a cursor of ${other}`).toBe(400);
        expect(answer.body.code, `${path} with a cursor of ${other}`).toBe('invalid_cursor');
      }
    }
  });

  it("preview users and a webhook's deliveries refuse another list's cursor too", async () => {
    const hook = (
      await h.call('POST', '/api/v1/webhooks', {
        url: 'http://127.0.0.1:9/hook',
        event_types: ['occurrence.held'],
      })
    ).body.webhook;
    for (const path of [
      `/api/v1/strategies/${strategyId}/preview/users`,
      `/api/v1/webhooks/${hook.id as number}/deliveries`,
    ]) {
      const foreign = encodeURIComponent(encodeCursor('audit', 1)!);
      const answer = await h.call('GET', `${path}?cursor=${foreign}`);
      expect(answer.status, path).toBe(400);
      expect(answer.body.code, path).toBe('invalid_cursor');
      expect((await h.call('GET', path)).status, path).toBe(200);
    }
    const deliveries = await h.call('GET', `/api/v1/webhooks/${hook.id as number}/deliveries`);
    expect(deliveries.body).toMatchObject({ items: [], next_cursor: null, next: null });
  });

  it('a cursor keeps working with other filters and page sizes (it names a position only)', async () => {
    const first = await page('/api/v1/users', null);
    const next = await h.call(
      'GET',
      `/api/v1/users?limit=3&vip_gte=1&cursor=${encodeURIComponent(first.next_cursor!)}`,
    );
    expect(next.status).toBe(200);
    expect(
      (next.body.items as JsonBody[]).every(
        (u) => (u.id as string) > (first.items[1]!.id as string),
      ),
    ).toBe(true);
  });

  it('still takes the deprecated offset, and the cursor wins over it', async () => {
    const all = await listAll('/api/v1/strategies');
    const byOffset = await h.call('GET', '/api/v1/strategies?limit=2&offset=2');
    expect((byOffset.body.items as JsonBody[]).map((s) => s.id)).toEqual(
      all.slice(2, 4).map((s) => s.id),
    );
    const cursor = encodeCursor('strategies', all[0]!.id as number)!;
    const both = await h.call(
      'GET',
      `/api/v1/strategies?limit=2&offset=3&cursor=${encodeURIComponent(cursor)}`,
    );
    expect((both.body.items as JsonBody[]).map((s) => s.id)).toEqual(
      all.slice(1, 3).map((s) => s.id),
    );
    const ledger = await h.call(
      'GET',
      `/api/v1/strategies/${strategyId}/executions?limit=2&offset=7`,
    );
    expect((ledger.body.items as JsonBody[]).length).toBe(2);
    expect(ledger.body.next_cursor).toBeNull();
  });
});
