// The webhook finds a star's users by their lowercased GitHub login: through an index on each
// database (asked of its planner), and for rows any program wrote into user_info, not only
// quota-manager (the lowercased column is the database's own generated column).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/db/client.ts';
import { usersWithLoginSql } from '../../src/db/github-star-store.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';

const INDEX = 'user_info_github_login_idx';

describe.each(DATABASE_KINDS)('the GitHub login lookup on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    // Written as another program would: plain SQL, no lowercased value given.
    await database.db.$executeRaw`INSERT INTO user_info (id, github_username, updated_at)
      VALUES ('u-mixed', 'Octo-Cat', ${new Date()}), ('u-other', 'octo-dog', ${new Date()}),
             ('u-none', NULL, ${new Date()})`;
  });
  afterAll(() => database?.destroy());

  it('finds users case-insensitively, whoever wrote them, and follows a rename', async () => {
    const ids = async (login: string) =>
      (await database.db.$queryRaw<{ id: string }[]>(usersWithLoginSql(login))).map((r) => r.id);
    expect(await ids('OCTO-cat')).toEqual(['u-mixed']);
    expect(await ids('octo-dog')).toEqual(['u-other']);
    expect(await ids('octo')).toEqual([]);
    await database.db
      .$executeRaw`UPDATE user_info SET github_username = 'Hubot' WHERE id = 'u-mixed'`;
    expect(await ids('octo-cat')).toEqual([]);
    expect(await ids('hubot')).toEqual(['u-mixed']);
  });

  it(`is served by ${INDEX}`, async () => {
    const lookup = usersWithLoginSql('octo-cat');
    let plan: string;
    if (kind === 'postgresql') {
      // Three rows: the planner would rightly read the table; asked whether it can use the index.
      plan = await database.db.$transaction(async (tx) => {
        await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
        const rows = await tx.$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN ${lookup}`);
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
    } else if (kind === 'mysql') {
      const rows = await database.db.$queryRaw<
        { possible_keys: string | null; key: string | null }[]
      >(Prisma.sql`EXPLAIN ${lookup}`);
      plan = rows.map((r) => `${r.possible_keys} ${r.key}`).join('\n');
    } else {
      const rows = await database.db.$queryRaw<{ detail: string }[]>(
        Prisma.sql`EXPLAIN QUERY PLAN ${lookup}`,
      );
      plan = rows.map((r) => r.detail).join('\n');
    }
    expect(plan).toContain(INDEX);
  });
});
