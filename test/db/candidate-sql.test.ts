// The scanner's hand-written candidate query (src/db/candidate-sql.ts, used by the scan store's
// findCandidates) against real databases: for random conditions, paging through every
// candidate must give exactly the users evaluate() accepts, minus those already in the ledger
// for the occurrence — on SQLite and on PostgreSQL, with and without attributes.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  evaluate,
  parse,
  toDatabaseFilter,
  type ConditionAst,
  type ConditionUser,
  type UserWhere,
} from '../../src/condition/index.ts';
import { idempotencyKey } from '../../src/core/model/ledger-entry.ts';
import type { ScanStore } from '../../src/core/ports/scan-store.ts';
import { UnsupportedFilterError, userWhereSql } from '../../src/db/candidate-sql.ts';
import { createScanStore } from '../../src/db/scan-store.ts';
import {
  conditionArbitrary,
  databaseVocabulary,
  insertConditionUsers,
  userArbitrary,
  ZONES,
} from '../condition/arbitraries.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';

const USER_COUNT = 60;
const RUNS = 150;
const STRATEGY = 7;
/**
 * Claims are fenced by the strategy's lease; these ledger rows belong to no strategy row, and a
 * strategy that does not exist (deleted) has no lease to hold.
 */
const NO_STRATEGY_ROW = { strategyId: STRATEGY, token: 1 };
const OCCURRENCE = 'once';
/** Users who already have a ledger row for (STRATEGY, OCCURRENCE): never candidates. */
const GRANTED = new Set(['u3', 'u10', 'u11', 'all']);

function astOf(text: string): ConditionAst {
  const result = parse(text);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.ast;
}

describe('userWhereSql', () => {
  it.each<[string, UserWhere]>([
    ['an unknown key', { nope: 1 } as unknown as UserWhere],
    ['an unknown comparison', { vip: { equals: 1 } } as unknown as UserWhere],
    [
      'an unknown relation filter',
      { stars: { every: { repo: { in: ['a'] } } } } as unknown as UserWhere,
    ],
    ['a non-null `not`', { org: { not: 'x' } } as unknown as UserWhere],
  ])('throws on %s instead of ignoring it', (_name, where) => {
    expect(() => userWhereSql(where)).toThrow(UnsupportedFilterError);
  });
});

// Windows of 4 users: every query below spans many windows, and pages end inside them.
describe.each(DATABASE_KINDS)('findCandidates on %s', (kind) => {
  let database: TestDatabase;
  let store: ScanStore;
  const users: ConditionUser[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = createScanStore(database, { windowUsers: 4 });
    for (let i = 0; i < USER_COUNT; i++) {
      const [generated] = fc.sample(userArbitrary(`u${i}`), { numRuns: 1, seed: 2000 + i });
      users.push(generated!);
    }
    users.push({
      id: 'nulls',
      vip: 0,
      org: null,
      registerTime: null,
      accessTime: null,
      githubStars: [],
    });
    users.push({
      id: 'all',
      vip: 6,
      org: 'org001',
      registerTime: new Date('2024-06-15T04:00:00Z'),
      accessTime: new Date('2024-06-15T04:00:00Z'),
      githubStars: ['zgsm', 'p'],
    });
    await insertConditionUsers(database.db, users);
    await store.claimEntries(
      [...GRANTED].map((userId) => ({
        strategyId: STRATEGY,
        occurrence: OCCURRENCE,
        userId,
        amount: 1,
        idempotencyKey: idempotencyKey(STRATEGY, OCCURRENCE, userId),
        catchUp: false,
      })),
      NO_STRATEGY_ROW,
    );
    // A row for another occurrence and another strategy must not exclude anyone.
    await store.claimEntries(
      [
        {
          strategyId: STRATEGY,
          occurrence: '2024-01-01T00:00:00.000Z',
          userId: 'u4',
          amount: 1,
          idempotencyKey: 'k1',
          catchUp: false,
        },
        {
          strategyId: STRATEGY + 1,
          occurrence: OCCURRENCE,
          userId: 'u5',
          amount: 1,
          idempotencyKey: 'k2',
          catchUp: false,
        },
      ],
      NO_STRATEGY_ROW,
    );
  });

  afterAll(async () => {
    await database?.destroy();
  });

  /** Every candidate, page by page (a small page size exercises the keyset cursor). */
  async function allCandidates(
    where: UserWhere,
    withAttributes: boolean,
    pageSize = 7,
  ): Promise<ConditionUser[]> {
    const found: ConditionUser[] = [];
    let afterUserId: string | null = null;
    for (let page = 0; page < 100; page++) {
      const rows = await store.findCandidates({
        strategyId: STRATEGY,
        occurrence: OCCURRENCE,
        where,
        afterUserId,
        limit: pageSize,
        withAttributes,
      });
      found.push(...rows);
      if (rows.length < pageSize) return found;
      afterUserId = rows.at(-1)!.id;
    }
    throw new Error('paging did not end');
  }

  async function expectedIds(ast: ConditionAst, timeZone: string): Promise<string[]> {
    const ids: string[] = [];
    for (const user of users) {
      if (
        !GRANTED.has(user.id) &&
        (await evaluate(ast, user, { timeZone, quota: async () => null })) === 'TRUE'
      )
        ids.push(user.id);
    }
    return ids.sort();
  }

  it('gives the same answer whatever the window size', async () => {
    const where = toDatabaseFilter(astOf('or(is-vip(2), github-star("zgsm"))'), {
      timeZone: 'UTC',
    }).where;
    const reference = (await allCandidates(where, false)).map((u) => u.id);
    for (const windowUsers of [1, 3, 1000]) {
      const other = createScanStore(database, { windowUsers });
      const ids: string[] = [];
      let afterUserId: string | null = null;
      for (;;) {
        const rows = await other.findCandidates({
          strategyId: STRATEGY,
          occurrence: OCCURRENCE,
          where,
          afterUserId,
          limit: 5,
          withAttributes: false,
        });
        ids.push(...rows.map((u) => u.id));
        if (rows.length < 5) break;
        afterUserId = rows.at(-1)!.id;
      }
      expect(ids).toEqual(reference);
    }
  });

  it('finds users added after the window bounds were remembered', async () => {
    const other = createScanStore(database, { windowUsers: 3 });
    const page = (afterUserId: string | null) =>
      other.findCandidates({
        strategyId: STRATEGY,
        occurrence: OCCURRENCE,
        where: { vip: { gte: 50 } },
        afterUserId,
        limit: 100,
        withAttributes: false,
      });
    expect(await page(null)).toEqual([]);
    await database.db.userInfo.createMany({
      data: [
        { id: 'a-first', vip: 50 },
        { id: 'u10a', vip: 50 },
        { id: 'zz-last', vip: 50 },
      ],
    });
    try {
      expect((await page(null)).map((u) => u.id)).toEqual(['a-first', 'u10a', 'zz-last']);
    } finally {
      await database.db.userInfo.deleteMany({
        where: { id: { in: ['a-first', 'u10a', 'zz-last'] } },
      });
    }
  });

  it('pages in id order without repeating or skipping anyone', async () => {
    const ids = (await allCandidates({}, false, 5)).map((u) => u.id);
    expect(ids).toEqual([...ids].sort());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(users.length - GRANTED.size);
  });

  it('reads the attributes back unchanged when asked for them', async () => {
    const read = await allCandidates({}, true);
    const byId = new Map(users.map((u) => [u.id, u]));
    for (const user of read) {
      const stored = byId.get(user.id)!;
      expect({ ...user, githubStars: [...user.githubStars].sort() }).toEqual({
        ...stored,
        githubStars: [...new Set(stored.githubStars)].sort(),
      });
    }
  });

  it.each([
    ['not(belong-to("org001"))'],
    ['not(github-star("zgsm"))'],
    ['or(belong-to("org001"), not(belong-to("org001")))'],
    ['false()'],
    ['true()'],
  ])('%s selects exactly what evaluate() accepts', async (text) => {
    const ast = astOf(text);
    const ids = (await allCandidates(toDatabaseFilter(ast, { timeZone: 'UTC' }).where, false))
      .map((u) => u.id)
      .sort();
    expect(ids).toEqual(await expectedIds(ast, 'UTC'));
  });

  it(`selects exactly the users evaluate() accepts (${RUNS} random conditions)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        conditionArbitrary(databaseVocabulary(USER_COUNT), { depth: 3, quota: false }),
        fc.constantFrom(...ZONES),
        fc.boolean(),
        async (ast, timeZone, withAttributes) => {
          const ids = (
            await allCandidates(toDatabaseFilter(ast, { timeZone }).where, withAttributes)
          )
            .map((u) => u.id)
            .sort();
          expect(ids).toEqual(await expectedIds(ast, timeZone));
        },
      ),
      { numRuns: RUNS, seed: 11 },
    );
  });
});
