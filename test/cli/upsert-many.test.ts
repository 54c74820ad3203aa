// `users import` writes each batch with the user repository's upsertMany, which is set-based
// (multi-row INSERT … ON CONFLICT, one DELETE and one INSERT for stars). It must leave exactly
// the state that upserting the same users one by one, in order, leaves: checked on both
// databases against the one-by-one path (`upsert`) for generated batches with repeated ids,
// partial fields, nulls and duplicate stars.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { UserUpsert } from '../../src/core/model/user.ts';
import { createUserStore } from '../../src/db/user-store.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';

vi.setConfig({ testTimeout: 180_000 });

const text = fc.option(fc.constantFrom('a', 'b', 'Zoë', "O'Brien", ''), { nil: null });
const time = fc.option(
  fc.constantFrom(new Date('2024-01-01T00:00:00Z'), new Date('2025-06-30T12:34:56.789Z')),
  { nil: null },
);
const upsert: fc.Arbitrary<UserUpsert> = fc.record(
  {
    id: fc.constantFrom('u1', 'u2', 'u3', 'u4'),
    name: text,
    githubUsername: text,
    email: text,
    phone: text,
    vip: fc.integer({ min: 0, max: 5 }),
    org: text,
    githubStars: fc.array(fc.constantFrom('x/a', 'x/b', 'y/c'), { maxLength: 4 }),
    registerTime: time,
    accessTime: time,
  },
  { requiredKeys: ['id'] },
);

describe.each(DATABASE_KINDS)('upsertMany on %s', (kind) => {
  let batch: TestDatabase;
  let oneByOne: TestDatabase;
  beforeAll(async () => {
    [batch, oneByOne] = await Promise.all([createTestDatabase(kind), createTestDatabase(kind)]);
  });
  afterAll(async () => {
    await batch?.destroy();
    await oneByOne?.destroy();
  });

  const snapshot = async (database: TestDatabase) => {
    const users = createUserStore(database);
    const ids = (
      await database.db.userInfo.findMany({ select: { id: true }, orderBy: { id: 'asc' } })
    ).map((u) => u.id);
    return Promise.all(ids.map((id) => users.get(id)));
  };
  const clear = async (database: TestDatabase) => {
    await database.db.userGithubStar.deleteMany();
    await database.db.userInfo.deleteMany();
  };

  it('leaves the state that one-by-one upserts in order leave', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(upsert, { maxLength: 3 }),
        fc.array(upsert, { minLength: 1, maxLength: 8 }),
        async (existing, users) => {
          await Promise.all([clear(batch), clear(oneByOne)]);
          // Some users exist before the batch, written the same way in both databases.
          for (const user of existing) {
            await createUserStore(batch).upsert(user);
            await createUserStore(oneByOne).upsert(user);
          }
          expect(await createUserStore(batch).upsertMany(users)).toBe(users.length);
          for (const user of users) await createUserStore(oneByOne).upsert(user);
          expect(await snapshot(batch)).toEqual(await snapshot(oneByOne));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('writes nothing when one row of the batch is refused', async () => {
    await clear(batch);
    // Three field sets, so three INSERT statements; the last one fails (vip NaN: NULL into a
    // NOT NULL column on SQLite, not an integer on PostgreSQL) after the first two succeeded.
    const users: UserUpsert[] = [
      { id: 'ok-1', name: 'one', githubStars: ['x/a'] },
      { id: 'ok-2', vip: 2 },
      { id: 'bad', name: 'b', vip: Number.NaN },
    ];
    await expect(createUserStore(batch).upsertMany(users)).rejects.toThrow();
    expect(await batch.db.userInfo.count()).toBe(0);
    expect(await batch.db.userGithubStar.count()).toBe(0);
  });
});
