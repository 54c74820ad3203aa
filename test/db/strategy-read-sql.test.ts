// A strategy read by key on the adapter's connection (strategy-read-sql.ts) must give the
// strategy Prisma's findUnique gives, field for field, on each database: amounts past a float's
// exact cents, booleans stored as 0/1 on SQLite and MySQL, dates to the millisecond, NULLs, text
// outside Latin-1; and no row (not an error) for a key no INT column can hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toStrategy } from '../../src/db/row-mappers.ts';
import { selectStrategyRow } from '../../src/db/strategy-read-sql.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';

describe.each(DATABASE_KINDS)('strategy read by key on %s', (kind) => {
  let database: TestDatabase;
  let full: number;
  let disabled: number;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const created = await database.db.quotaStrategy.create({
      data: {
        name: 'ステップ😀 Zürich',
        title: 'every field set',
        type: 'periodic',
        amount: '999999999999.99',
        model: 'gpt-∑',
        periodicExpr: '0 8 * * *',
        timezone: 'Asia/Shanghai',
        condition: 'belong-to("組織")',
        enabled: true,
        maxExecPerUser: 3,
        startAt: new Date('2026-01-01T00:00:00.001Z'),
        endAt: new Date('2027-12-31T23:59:59.999Z'),
        missedRuns: 'catch_up',
        maxCatchUp: 4,
        version: 7,
        mode: 'top_up',
        maxUsersPerOccurrence: 2_147_483_647,
        maxAmountPerOccurrence: '0.01',
        expiresAfter: 'P1M',
        rolloverMax: '12.5',
        lotPriority: -3,
      },
    });
    full = created.id;
    disabled = (
      await database.db.quotaStrategy.create({
        data: {
          name: 'off',
          title: 'disabled, optional fields empty',
          type: 'single',
          amount: '1',
          timezone: 'UTC',
          condition: 'true',
          enabled: false,
        },
      })
    ).id;
  });
  afterAll(async () => {
    await database?.destroy();
  });

  it.each([
    ['every field set', () => full],
    ['disabled, optional fields NULL', () => disabled],
  ])('reads the strategy Prisma reads (%s)', async (_name, id) => {
    const prisma = await database.db.quotaStrategy.findUniqueOrThrow({ where: { id: id() } });
    const direct = await selectStrategyRow(database.direct, id());
    expect(direct).not.toBeNull();
    expect(toStrategy(direct!)).toEqual(toStrategy(prisma));
    expect(typeof direct!.enabled).toBe('boolean');
  });

  it('finds a disabled strategy only when asked for any strategy', async () => {
    expect(await selectStrategyRow(database.direct, disabled, { enabledOnly: true })).toBeNull();
    expect((await selectStrategyRow(database.direct, disabled))?.enabled).toBe(false);
    expect((await selectStrategyRow(database.direct, full, { enabledOnly: true }))?.id).toBe(full);
  });

  it('answers no row for keys that name none, however large', async () => {
    for (const id of [disabled + 1000, 2 ** 31 - 1, 2 ** 31, Number.MAX_SAFE_INTEGER, 0, -1, 1.5])
      expect(await selectStrategyRow(database.direct, id), String(id)).toBeNull();
  });
});
