// Statements sent straight to the driver adapter (direct-sql.ts) must read and write values as
// Prisma does on each database: text outside Latin-1, integers past 2^53, dates in both
// directions (a Date bound as a parameter compares with what Prisma stored), NULLs, and errors
// that keep the driver's code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma } from '../../src/db/client.ts';
import { DirectSqlError } from '../../src/db/direct-sql.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';

const REGISTERED = new Date('2024-12-31T23:59:59.123Z');
const BIG = 2n ** 60n + 1n; // no float holds it

describe.each(DATABASE_KINDS)('direct SQL on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await database.db.userInfo.create({
      data: { id: 'ユーザー😀', org: 'Zürich ∑', vip: 3, registerTime: REGISTERED, changeSeq: BIG },
    });
    await database.db.userInfo.create({ data: { id: 'plain' } });
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it('reads text, 64-bit integers, dates and NULLs as Prisma stored them', async () => {
    const rows = await database.direct.query<Record<string, unknown>>(
      Prisma.sql`SELECT id, org, vip, register_time, access_time, change_seq FROM user_info ORDER BY vip DESC`,
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ id: 'ユーザー😀', org: 'Zürich ∑', access_time: null });
    expect(Number(rows[0]!.vip)).toBe(3);
    expect(rows[0]!.register_time).toEqual(REGISTERED);
    expect(BigInt(rows[0]!.change_seq as bigint | number)).toBe(BIG);
    expect(rows[1]).toMatchObject({ id: 'plain', org: null, register_time: null });
  });

  it('binds dates, text and integers as parameters the way Prisma does', async () => {
    const before = await database.direct.query<{ id: string }>(
      Prisma.sql`SELECT id FROM user_info WHERE register_time < ${new Date(REGISTERED.getTime() + 1)} AND id = ${'ユーザー😀'} AND vip >= ${3}`,
    );
    expect(before.map((r) => r.id)).toEqual(['ユーザー😀']);
    const atOrAfter = await database.direct.query<{ id: string }>(
      Prisma.sql`SELECT id FROM user_info WHERE register_time > ${REGISTERED}`,
    );
    expect(atOrAfter).toEqual([]);
  });

  it('executes and reports the rows it changed', async () => {
    const changed = await database.direct.execute(
      Prisma.sql`UPDATE user_info SET vip = vip + ${1} WHERE id IN (${Prisma.join(['plain', 'nobody'])})`,
    );
    expect(changed).toBe(1);
    const user = await database.db.userInfo.findUniqueOrThrow({ where: { id: 'plain' } });
    expect(user.vip).toBe(1);
  });

  it("fails with the driver's code and message, leaving nothing written", async () => {
    const duplicate = database.direct.execute(
      Prisma.sql`INSERT INTO user_info (id, vip, change_seq, created_at, updated_at) VALUES (${'plain'}, ${0}, ${0}, ${new Date()}, ${new Date()})`,
    );
    await expect(duplicate).rejects.toBeInstanceOf(DirectSqlError);
    const error = (await duplicate.catch((e: unknown) => e)) as DirectSqlError;
    const codes = { sqlite: 'SQLITE_CONSTRAINT_PRIMARYKEY', postgresql: '23505', mysql: '1062' };
    expect(error.code).toBe(codes[kind]);
    expect(error.message).toMatch(/unique|duplicate/i);
    expect(await database.db.userInfo.count()).toBe(2);
  });
});
