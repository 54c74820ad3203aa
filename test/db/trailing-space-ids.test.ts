// Issue 23: MariaDB's utf8mb4_bin is a PAD SPACE collation: it compares `bob` and `bob ` as
// equal, so an import of both answered "upserted 2" and kept one row, and PUT /users/carol%20
// rewrote `carol`. Text keys now compare as on PostgreSQL and SQLite (every character counts),
// and ids sort by code point on all three databases, in the API's pages and in the scanner's
// candidate windows alike.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, toDatabaseFilter } from '../../src/condition/index.ts';
import { createScanStore } from '../../src/db/scan-store.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { unique } from '../support/unique-name.ts';

const path = (id: string) => `/api/v1/users/${encodeURIComponent(id)}`;

describe.each(DATABASE_KINDS)('ids that differ only by trailing spaces on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => {
    await h.destroy();
  });

  async function runStrategy(condition: string): Promise<number> {
    const created = await h.call('POST', '/api/v1/strategies', {
      name: unique('pad'),
      title: 'pad space',
      type: 'single',
      amount: 3,
      condition,
      enabled: true,
    });
    expect(created.status).toBe(201);
    const run = await h.call('POST', `/api/v1/strategies/${created.body.id}/run`);
    expect(run.status).toBe(200);
    return created.body.id as number;
  }

  it('imports `bob` and `bob ` as two users, and grants each of them once', async () => {
    const org = unique('pad-org');
    const bob = unique('bob');
    const users = [
      { id: bob, name: 'no space', org },
      { id: `${bob} `, name: 'one space', org },
      { id: `${bob}  `, name: 'two spaces', org },
    ];
    const imported = await h.call('POST', '/api/v1/users/bulk', users);
    expect(imported.body).toEqual({ upserted: 3 });
    for (const user of users) {
      const read = await h.call('GET', path(user.id));
      expect(read.status).toBe(200);
      expect(read.body).toMatchObject({ id: user.id, name: user.name });
    }

    const strategyId = await runStrategy(`belong-to("${org}")`);
    const rows = await h.database.db.quotaExecute.findMany({ where: { strategyId } });
    expect(rows.map((r) => r.userId).sort()).toEqual(users.map((u) => u.id).sort());
    expect(rows.every((r) => r.status === 'applied')).toBe(true);
    const quotas = h.mock.state().quotas;
    for (const user of users) expect(quotas[user.id], JSON.stringify(user.id)).toBe(3);
    for (const user of users) {
      const grants = await h.call('GET', `${path(user.id)}/grants`);
      expect(grants.body.items.map((g: { user_id: string }) => g.user_id)).toEqual([user.id]);
    }
  });

  it('PUT /users/carol%20 creates a new user and leaves `carol` as it was', async () => {
    const carol = unique('carol');
    expect((await h.call('PUT', path(carol), { name: 'Carol' })).status).toBe(200);
    const spaced = await h.call('PUT', path(`${carol} `), { name: 'Someone else' });
    expect(spaced.status).toBe(200);
    expect(spaced.body.id).toBe(`${carol} `);
    expect((await h.call('GET', path(carol))).body).toMatchObject({ id: carol, name: 'Carol' });
    expect((await h.call('DELETE', path(`${carol} `))).status).toBe(204);
    expect((await h.call('GET', path(carol))).status).toBe(200);
  });

  it('keeps starred repositories and organisations that differ by a trailing space apart', async () => {
    const org = unique('pad-org');
    const starred = unique('starred');
    const spacedOrg = unique('spaced-org');
    const put = await h.call('PUT', path(starred), { org, github_stars: ['zgsm', 'zgsm '] });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body.github_stars.sort()).toEqual(['zgsm', 'zgsm ']);
    expect((await h.call('PUT', path(spacedOrg), { org: `${org} ` })).status).toBe(200);
    // The condition compares as its in-memory evaluation does: `org ` is not `org`.
    const strategyId = await runStrategy(`belong-to("${org}")`);
    const rows = await h.database.db.quotaExecute.findMany({ where: { strategyId } });
    expect(rows.map((r) => r.userId)).toEqual([starred]);
  });

  describe('id order', () => {
    const prefix = `order-${kind}-`;
    // Code point order: tab (9) < space (32) < "!" (33); a prefix before its extensions.
    const ordered = ['k', 'k\t', 'k\t\t', 'k ', 'k \t', 'k  ', 'k!'].map((s) => prefix + s);
    let org: string;
    beforeAll(async () => {
      org = unique('order-org');
      const users = [...ordered].reverse().map((id) => ({ id, org }));
      expect((await h.call('POST', '/api/v1/users/bulk', users)).status).toBe(200);
    });

    it('pages users by id in code point order', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await h.call(
          'GET',
          `/api/v1/users?limit=2&q=${prefix}${cursor === null ? '' : `&cursor=${cursor}`}`,
        );
        expect(page.status).toBe(200);
        seen.push(...page.body.items.map((u: { id: string }) => u.id));
        cursor = page.body.next_cursor;
      } while (cursor !== null);
      expect(seen).toEqual(ordered);
    });

    it('walks scanner windows of any size in the same order', async () => {
      const ast = parse(`belong-to("${org}")`);
      if (!ast.ok) throw new Error(JSON.stringify(ast.errors));
      const { where } = toDatabaseFilter(ast.ast, { timeZone: 'UTC' });
      for (const windowUsers of [1, 2, 3, 5]) {
        const store = createScanStore(h.database, { windowUsers });
        for (const limit of [1, 2, 3]) {
          const ids: string[] = [];
          let afterUserId: string | null = null;
          for (;;) {
            const rows = await store.findCandidates({
              strategyId: 999_999,
              occurrence: 'once',
              where,
              afterUserId,
              limit,
              withAttributes: false,
            });
            ids.push(...rows.map((u) => u.id));
            if (rows.length < limit) break;
            afterUserId = rows.at(-1)!.id;
          }
          expect(ids, `windows of ${windowUsers}, pages of ${limit}`).toEqual(ordered);
        }
      }
    });
  });
});
