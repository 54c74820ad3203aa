// User search is one database query (db/user-search.ts): a prefix of the id, the name or the
// GitHub username; A-Z and a-z match each other and nothing else folds; LIKE's wildcards and its
// escape character are plain characters; NUL and half surrogate pairs are 400s; rows any program
// wrote are found; each prefix is served by an index. The same answers on every database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/db/client.ts';
import { prefixPattern, searchIdsSql } from '../../src/db/user-search.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';

describe('the LIKE pattern of a search', () => {
  it.each([
    ['ann', 'ann%'],
    ['ANN', 'ann%'],
    ['100%', '100!%%'],
    ['a_b', 'a!_b%'],
    ['wow!', 'wow!!%'],
    ['!%_', '!!!%!_%'],
    ['Ärger', 'Ärger%'],
    ['ΣΊΣ', 'ΣΊΣ%'],
  ])('%s → %s', (needle, pattern) => {
    expect(prefixPattern(needle)).toBe(pattern);
  });
});

describe.each(DATABASE_KINDS)('user search on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
    await h.call('POST', '/api/v1/users/bulk', [
      { id: 'Alice-1', name: 'Alice Liddell', github_username: 'AliceInWonder', vip: 1 },
      { id: 'bob', name: 'Bob_Builder', github_username: 'Bobby' },
      { id: 'bo', name: 'Bo' },
      { id: 'pct', name: '100% sure' },
      { id: 'pct2', name: '1000 sure' },
      { id: 'bang', name: 'wow! yes' },
      { id: 'bang2', name: 'wowe yes' },
      { id: 'emile', name: 'Émile Zola' },
      { id: 'greek', name: 'ΣΊΣΥΦΟΣ' },
      { id: '张三', name: '张三丰' },
      { id: 'mid', name: 'Zed Alice' },
    ]);
    // Written as another program would: plain SQL, no search columns given.
    await h.database.db.$executeRaw`INSERT INTO user_info (id, name, github_username, updated_at)
      VALUES ('raw-ROW', 'Raw Writer', 'RawHub', ${new Date()})`;
  });
  afterAll(() => h?.destroy());

  const ids = async (q: string, extra = '') => {
    const answer = await h.call('GET', `/api/v1/users?q=${encodeURIComponent(q)}${extra}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return (answer.body.items as { id: string }[]).map((u) => u.id).sort();
  };

  it('matches a prefix of the id, the name or the GitHub username, ASCII letters in any case', async () => {
    expect(await ids('alice')).toEqual(['Alice-1']);
    expect(await ids('ALICE-')).toEqual(['Alice-1']);
    expect(await ids('aliceinw')).toEqual(['Alice-1']);
    expect(await ids('BOBBY')).toEqual(['bob']);
    expect(await ids('bo')).toEqual(['bo', 'bob']);
    // A prefix, not a substring: "Zed Alice" is not found by "alice".
    expect(await ids('liddell')).toEqual([]);
    expect(await ids('zed a')).toEqual(['mid']);
  });

  it('finds rows another program wrote (the database keeps the search columns)', async () => {
    expect(await ids('RAW-row')).toEqual(['raw-ROW']);
    expect(await ids('rawhub')).toEqual(['raw-ROW']);
    await h.database.db.$executeRaw`UPDATE user_info SET name = 'Renamed' WHERE id = 'raw-ROW'`;
    expect(await ids('renamed')).toEqual(['raw-ROW']);
  });

  it('takes % as a plain character', async () => {
    expect(await ids('100%')).toEqual(['pct']);
    expect(await ids('%')).toEqual([]);
  });

  it('takes _ as a plain character', async () => {
    expect(await ids('bob_')).toEqual(['bob']);
    expect(await ids('b_b')).toEqual([]);
    expect(await ids('_')).toEqual([]);
  });

  it('takes the escape character ! as a plain character', async () => {
    expect(await ids('wow!')).toEqual(['bang']);
    expect(await ids('wow!e')).toEqual([]);
    expect(await ids('!')).toEqual([]);
  });

  it('matches other characters exactly as stored: no folding beyond ASCII, on any database', async () => {
    expect(await ids('Émile')).toEqual(['emile']);
    expect(await ids('émile')).toEqual([]);
    // The ASCII letters of "ÉMILE" fold; É stays É, as stored.
    expect(await ids('ÉMILE')).toEqual(['emile']);
    expect(await ids('éMILE')).toEqual([]);
    expect(await ids('ΣΊΣ')).toEqual(['greek']);
    expect(await ids('σίσ')).toEqual([]);
    expect(await ids('张')).toEqual(['张三']);
    // Not normalised: E + combining acute is not É.
    expect(await ids('E\u0301mile')).toEqual([]);
  });

  it('refuses NUL and half surrogate pairs with 400, and keeps other filters and paging', async () => {
    for (const q of ['%00', 'a%00b']) {
      const answer = await h.call('GET', `/api/v1/users?q=${q}`);
      expect(answer.status, q).toBe(400);
      expect(answer.body.errors, q).toMatchObject([{ field: 'q', code: 'nul_character' }]);
    }
    // Half a surrogate pair can only come as its UTF-8 bytes, which are not UTF-8.
    for (const q of ['%ED%A0%80', '%ED%B0%80x', '%FF']) {
      const answer = await h.call('GET', `/api/v1/users?q=${q}`);
      expect(answer.status, q).toBe(400);
      expect(answer.body.errors, q).toMatchObject([{ field: 'query' }]);
    }
    expect((await h.call('GET', `/api/v1/users?q=${'a'.repeat(201)}`)).status).toBe(400);
    expect(await ids('b', '&vip_gte=1')).toEqual([]);
    expect(await ids('a', '&vip_gte=1')).toEqual(['Alice-1']);
    const first = await h.call('GET', '/api/v1/users?q=b&limit=2');
    expect(first.body.items).toHaveLength(2);
    const next = await h.call(
      'GET',
      `/api/v1/users?q=b&limit=2&cursor=${first.body.next_cursor as string}`,
    );
    expect(next.body).toMatchObject({ next_cursor: null });
    const all = [
      ...(first.body.items as { id: string }[]),
      ...(next.body.items as { id: string }[]),
    ];
    expect(all.map((u) => u.id).sort()).toEqual(['bang', 'bang2', 'bo', 'bob']);
  });

  it.each(['search_id', 'search_name', 'search_login'])(
    'a prefix of %s is served by its index',
    async (column) => {
      const index = `user_info_${column}_idx`;
      const statement = Prisma.sql`SELECT id FROM user_info WHERE ${Prisma.raw(column)} LIKE ${'abc%'} ESCAPE '!'`;
      let plan: string;
      if (kind === 'postgresql') {
        plan = await h.database.db.$transaction(async (tx) => {
          await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
          const rows = await tx.$queryRaw<{ 'QUERY PLAN': string }[]>(
            Prisma.sql`EXPLAIN ${statement}`,
          );
          return rows.map((r) => r['QUERY PLAN']).join('\n');
        });
      } else if (kind === 'mysql') {
        const rows = await h.database.db.$queryRaw<{ possible_keys: string | null }[]>(
          Prisma.sql`EXPLAIN ${statement}`,
        );
        plan = rows.map((r) => `${r.possible_keys}`).join('\n');
      } else {
        const rows = await h.database.db.$queryRaw<{ detail: string }[]>(
          Prisma.sql`EXPLAIN QUERY PLAN ${statement}`,
        );
        plan = rows.map((r) => r.detail).join('\n');
      }
      expect(plan).toContain(index);
    },
  );

  it('reads one page of ids in one statement (LIMIT in the SQL)', () => {
    const sql = searchIdsSql({ q: 'a', limit: 50, afterId: 'x' }).sql;
    expect(sql).toMatch(/ORDER BY id LIMIT \?$/);
    expect(sql).toContain("ESCAPE '!'");
  });
});
