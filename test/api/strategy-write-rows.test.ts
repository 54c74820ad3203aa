// What a strategy write leaves behind is the same on every database, byte for byte: the audit
// rows and the outbox events (type, time, body) and their deliveries. PostgreSQL writes them
// with one statement of data-modifying CTEs (db/strategy-change-sql.ts), SQLite and MySQL in an
// interactive transaction; the same life of a strategy, at the same clock and request ids, must
// read back the same on all three. A refused write (409, 412, 404) leaves nothing on any.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';

// Text that the id placeholder, JSON escaping and each database's text handling must survive:
// quotes, a backslash, non-ASCII, a character outside the BMP, and digits like an id.
const TITLE = 'Bonus "double" \\ 奖励 🎁 é -4503599627370497 1';

interface Written {
  audit: unknown[];
  events: unknown[];
  deliveries: number[];
}

async function written(database: Database): Promise<Written> {
  const audit = await database.db.auditEvent.findMany({ orderBy: { id: 'asc' } });
  const events = await database.db.eventOutbox.findMany({ orderBy: { id: 'asc' } });
  const deliveries = await Promise.all(
    events.map((event) => database.db.webhookDelivery.count({ where: { eventId: event.id } })),
  );
  return {
    // Ids aside: each database numbers its rows itself, and event ids are random.
    audit: audit.map((row) => ({ ...row, id: undefined })),
    events: events.map((row) => {
      expect(row.eventId).toMatch(/^evt_[0-9a-f]{32}$/);
      return { ...row, id: undefined, eventId: undefined };
    }),
    deliveries,
  };
}

/** One strategy's life over the API, with the request ids fixed; answers what it wrote. */
async function strategyLife(h: Harness): Promise<Written> {
  let n = 0;
  const call = async (method: string, path: string, body?: unknown, headers = {}) =>
    h.call(method, path, body, { headers: { 'x-request-id': `req-${++n}`, ...headers } });
  const hook = await call('POST', '/api/v1/webhooks', {
    url: 'https://hooks.example.com/qm',
    event_types: ['strategy.created', 'strategy.updated', 'strategy.deleted'],
  });
  expect(hook.status).toBe(201);
  const before = await written(h.database);

  const created = await call('POST', '/api/v1/strategies', {
    name: 'life',
    title: TITLE,
    type: 'periodic',
    periodic_expr: '0 8 * * *',
    amount: 12.5,
    condition: 'and(is-vip(2), github-star("zgsm-ai/zgsm"))',
    start_at: '2026-02-01T00:00:00Z',
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = (created.body as { id: number }).id;
  expect((await call('PATCH', `/api/v1/strategies/${id}`, { amount: 13 })).status).toBe(200);

  // A stale tag: 412, nothing written.
  expect(
    (await call('PATCH', `/api/v1/strategies/${id}`, { title: 'x' }, { 'If-Match': '"1-0"' }))
      .status,
  ).toBe(412);
  const current = await call('GET', `/api/v1/strategies/${id}`);
  const tagged = await call(
    'PATCH',
    `/api/v1/strategies/${id}`,
    { title: `${TITLE} (2)` },
    { 'If-Match': current.headers.get('etag')! },
  );
  expect(tagged.status).toBe(200);
  expect((await call('POST', `/api/v1/strategies/${id}/enable`)).status).toBe(200);
  expect((await call('POST', `/api/v1/strategies/${id}/disable`)).status).toBe(200);
  // A duplicate name: 409, nothing written (after the others: a failed insert may use up an id).
  expect(
    (
      await call('POST', '/api/v1/strategies', {
        name: 'life',
        title: 'again',
        type: 'single',
        amount: 1,
        condition: 'true()',
      })
    ).status,
  ).toBe(409);
  expect((await call('DELETE', `/api/v1/strategies/${id}`)).status).toBe(204);
  // Missing now: 404 for each write, nothing written.
  expect((await call('DELETE', `/api/v1/strategies/${id}`)).status).toBe(404);
  expect((await call('PATCH', `/api/v1/strategies/${id}`, { amount: 2 })).status).toBe(404);
  expect((await call('POST', `/api/v1/strategies/${id}/enable`)).status).toBe(404);

  const after = await written(h.database);
  return {
    audit: after.audit.slice(before.audit.length),
    events: after.events.slice(before.events.length),
    deliveries: after.deliveries.slice(before.deliveries.length),
  };
}

describe('a strategy life writes the same audit and outbox rows on every database', () => {
  const lives = new Map<string, Written>();
  const harnesses: Harness[] = [];
  beforeAll(async () => {
    for (const kind of DATABASE_KINDS) {
      const h = await createHarness(kind, { now: '2026-03-04T05:06:07.089Z' });
      harnesses.push(h);
      lives.set(kind, await strategyLife(h));
    }
  });
  afterAll(async () => {
    for (const h of harnesses) await h.destroy();
  });

  it('writes one audit row and one event per change, and none for a refused one', () => {
    const sqlite = lives.get('sqlite')!;
    expect(sqlite.audit.map((row) => (row as { action: string }).action)).toEqual([
      'strategy.create',
      'strategy.update',
      'strategy.update',
      'strategy.enable',
      'strategy.disable',
      'strategy.delete',
    ]);
    expect(sqlite.events.map((row) => (row as { type: string }).type)).toEqual([
      'strategy.created',
      'strategy.updated',
      'strategy.updated',
      'strategy.enabled',
      'strategy.disabled',
      'strategy.deleted',
    ]);
    // The endpoint takes created, updated and deleted only.
    expect(sqlite.deliveries).toEqual([1, 1, 1, 0, 0, 1]);
    const created = sqlite.events[0] as { body: string };
    expect(JSON.parse(created.body)).toMatchObject({
      type: 'strategy.created',
      data: { strategy_id: 1, changes: { after: { title: TITLE } } },
    });
  });

  it.each(DATABASE_KINDS.filter((kind) => kind !== 'sqlite'))(
    '%s wrote the same bytes as SQLite',
    (kind) => {
      expect(lives.get(kind)).toStrictEqual(lives.get('sqlite'));
    },
  );
});
