// SQLite runs everything on one connection. A statement issued from outside while an
// interactive transaction is open must not become part of that transaction: if it did, a
// scan's claim written during a bulk user import that then fails would be rolled back after its
// grant was delivered, and the next scan would grant again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/db/client.ts';
import { createTestDatabase, type TestDatabase } from '../support/databases.ts';

/**
 * Starts a Prisma call now. A Prisma query is lazy: it runs when something awaits it, so a
 * query merely created inside the transaction would run after it and prove nothing.
 */
const started = <T>(query: PromiseLike<T>): Promise<T> => Promise.resolve(query);

describe('SQLite: statements outside a transaction stay outside it', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it('a write issued while a transaction is open survives that transaction rolling back', async () => {
    const { db } = database;
    let outside: Promise<unknown> | undefined;
    const failing = db.$transaction(async (tx) => {
      await tx.userInfo.create({ data: { id: 'inside' } });
      // Another caller writes while this transaction waits for something else.
      outside = started(db.userInfo.create({ data: { id: 'outside' } }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw new Error('import failed');
    });
    await expect(failing).rejects.toThrow('import failed');
    await outside;
    const ids = (
      await db.userInfo.findMany({
        where: { id: { in: ['inside', 'outside'] } },
        select: { id: true },
      })
    ).map((u) => u.id);
    expect(ids).toEqual(['outside']);
  });

  it('a write issued while a transaction is open is not made visible to it, and still lands after a commit', async () => {
    const { db } = database;
    let outside: Promise<unknown> | undefined;
    const seen = await db.$transaction(async (tx) => {
      outside = started(db.userInfo.create({ data: { id: 'later' } }));
      await new Promise((resolve) => setTimeout(resolve, 50));
      return tx.userInfo.count({ where: { id: 'later' } });
    });
    await outside;
    expect(seen).toBe(0);
    expect(await db.userInfo.count({ where: { id: 'later' } })).toBe(1);
  });

  it("the scanner's direct statements stay outside a transaction that rolls back", async () => {
    const { db, direct } = database;
    await db.userInfo.create({ data: { id: 'claimed' } });
    let outside: Promise<unknown> | undefined;
    const failing = db.$transaction(async (tx) => {
      await tx.userInfo.create({ data: { id: 'import-1' } });
      // A scan marks a user's grant while the import goes on: the grant may reach the gateway
      // right after, so the mark must outlive the import's rollback.
      outside = direct.execute(Prisma.sql`UPDATE user_info SET vip = 7 WHERE id = ${'claimed'}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      throw new Error('import failed');
    });
    await expect(failing).rejects.toThrow('import failed');
    expect(await outside).toBe(1);
    expect((await db.userInfo.findUniqueOrThrow({ where: { id: 'claimed' } })).vip).toBe(7);
    expect(await db.userInfo.count({ where: { id: 'import-1' } })).toBe(0);
  });

  it('batch transactions and plain statements interleave without deadlock', async () => {
    const { db } = database;
    const work = Array.from({ length: 20 }, (_, i) =>
      i % 2 === 0
        ? db.$transaction([db.userInfo.create({ data: { id: `batch-${i}` } }), db.userInfo.count()])
        : db.userInfo.create({ data: { id: `plain-${i}` } }),
    );
    await Promise.all(work);
    expect(
      await db.userInfo.count({
        where: { OR: [{ id: { startsWith: 'batch-' } }, { id: { startsWith: 'plain-' } }] },
      }),
    ).toBe(20);
  });
});
