// `quota-manager retention`: deletes old applied ledger rows, but never one a live strategy
// needs to stay exactly-once. One ledger with a row for every case of the rule, on both
// databases; the dry run counts without deleting, the real run deletes exactly the two rows
// the rule allows.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { latestOccurrence, occurrenceKey } from '../../src/core/schedule.ts';
import { withDefaults, type Strategy, type StrategyFields } from '../../src/core/model/strategy.ts';
import { retentionVerdict } from '../../src/core/use-cases/prune-ledger.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { createStrategyStore } from '../../src/db/strategy-store.ts';
import {
  createDatabaseUrl,
  DATABASE_KINDS,
  type DisposableDatabaseUrl,
} from '../support/databases.ts';
import { runCli } from './cli-process.ts';

// Each test starts real processes (tsx, Prisma) and this suite runs on small, busy machines.
vi.setConfig({ testTimeout: 180_000 });

const DAY = 86_400_000;

function fields(name: string, overrides: Partial<StrategyFields> = {}): StrategyFields {
  return {
    ...withDefaults({ name, title: name, type: 'single', amount: 1, condition: 'true()' }, 'UTC'),
    enabled: true,
    ...overrides,
  };
}

describe.each(DATABASE_KINDS)('retention on %s', (kind) => {
  let url: DisposableDatabaseUrl;
  let database: Database;
  const now = Date.now();
  const old = new Date(now - 40 * DAY);
  const daily = (daysAgo: number) =>
    occurrenceKey(latestOccurrence('0 8 * * *', 'UTC', new Date(now - daysAgo * DAY))!);
  /** Row name → id, to say which rows must survive. */
  const rows = new Map<string, number>();

  beforeAll(async () => {
    url = await createDatabaseUrl(kind);
    database = await openDatabase(url.url);
    const { db } = database;
    await db.userInfo.createMany({ data: [{ id: 'ret-a' }, { id: 'ret-b' }, { id: 'ret-c' }] });
    const strategies = createStrategyStore(database);
    const created = new Date(now - 100 * DAY);
    const single = await strategies.create(fields('ret-single'), created);
    const gone = await strategies.create(fields('ret-deleted'), created);
    await strategies.delete(gone.id);
    const periodic = await strategies.create(
      fields('ret-daily', { type: 'periodic', periodicExpr: '0 8 * * *' }),
      created,
    );
    const capped = await strategies.create(
      fields('ret-capped', { type: 'periodic', periodicExpr: '0 8 * * *', maxExecPerUser: 5 }),
      created,
    );

    const due = daily(0);
    await db.strategyOccurrence.createMany({
      data: [
        { strategyId: periodic.id, occurrence: daily(50), status: 'done' },
        { strategyId: periodic.id, occurrence: daily(45), status: 'open' },
        { strategyId: periodic.id, occurrence: due, status: 'done' },
        { strategyId: capped.id, occurrence: daily(50), status: 'done' },
        // A hold an operator dismissed: closed for good, like done.
        { strategyId: periodic.id, occurrence: daily(40), status: 'dismissed' },
      ],
    });
    const add = async (
      name: string,
      strategyId: number,
      occurrence: string,
      userId: string,
      status: string,
      updatedAt = old,
    ) => {
      const row = await db.quotaExecute.create({
        data: {
          strategyId,
          occurrence,
          userId,
          amount: 1,
          status,
          idempotencyKey: `qm:${strategyId}:${occurrence}:${userId}`,
          createdAt: updatedAt,
          updatedAt,
        },
      });
      rows.set(name, row.id);
    };
    await add('single strategy that exists', single.id, 'once', 'ret-a', 'applied');
    await add('deleted strategy, applied', gone.id, 'once', 'ret-a', 'applied');
    await add('deleted strategy, failed', gone.id, 'once', 'ret-b', 'failed');
    await add('done occurrence, applied', periodic.id, daily(50), 'ret-a', 'applied');
    await add('done occurrence, unknown', periodic.id, daily(50), 'ret-b', 'unknown');
    await add(
      'done occurrence, applied recently',
      periodic.id,
      daily(50),
      'ret-c',
      'applied',
      new Date(now - 5 * DAY),
    );
    await add('dismissed occurrence, applied', periodic.id, daily(40), 'ret-a', 'applied');
    await add('open occurrence', periodic.id, daily(45), 'ret-a', 'applied');
    await add('occurrence never marked', periodic.id, daily(42), 'ret-a', 'applied');
    await add('occurrence due now', periodic.id, due, 'ret-a', 'applied');
    await add('per-user cap', capped.id, daily(50), 'ret-a', 'applied');
  });
  afterAll(async () => {
    await database?.close();
    await url?.drop();
  });

  const pruneAudit = () =>
    database.db.auditEvent.findMany({ where: { action: 'ledger.prune' }, orderBy: { id: 'asc' } });

  const remaining = async () => {
    const ids = new Set(
      (await database.db.quotaExecute.findMany({ select: { id: true } })).map((r) => r.id),
    );
    return [...rows].filter(([, id]) => ids.has(id)).map(([name]) => name);
  };

  it('--dry-run counts by the rule and deletes nothing', async () => {
    const result = await runCli(['retention', '--older-than', '30', '--dry-run', '--json'], {
      env: { DATABASE_URL: url.url },
    });
    expect(result.complaints).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      dry_run: true,
      examined: 8,
      deleted: 3,
      kept: 5,
      deleted_by_reason: { strategy_deleted: 1, occurrence_done: 2 },
      kept_by_reason: {
        single_strategy: 1,
        per_user_cap: 1,
        due_occurrence: 1,
        occurrence_not_done: 2,
        unknown_strategy: 0,
      },
    });
    expect(await remaining()).toHaveLength(rows.size);
    // A dry run changes nothing, so it leaves no audit row.
    expect(await pruneAudit()).toEqual([]);
  });

  it('deletes only applied rows of deleted strategies and of done or closed, not-due occurrences', async () => {
    const result = await runCli(['retention', '--older-than', '30'], {
      env: { DATABASE_URL: url.url },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\(older than 30 days\): 8$/m);
    expect(result.stdout).toContain(
      'deleted 3: 1 of deleted strategies, 2 of done (or closed) periodic occurrences',
    );
    expect(result.stdout).toContain(
      'kept 5: 1 of single strategies that still exist, 1 of periodic strategies with a max_exec_per_user cap, 1 of the occurrence due now, 2 of periodic occurrences not done yet',
    );
    expect(await remaining()).toEqual([
      'single strategy that exists',
      'deleted strategy, failed',
      'done occurrence, unknown',
      'done occurrence, applied recently',
      'open occurrence',
      'occurrence never marked',
      'occurrence due now',
      'per-user cap',
    ]);
    // The occurrence bookkeeping stays: it is what stops scans revisiting a done occurrence.
    expect(await database.db.strategyOccurrence.count()).toBe(5);

    const again = await runCli(['retention', '--older-than', '30', '--json'], {
      env: { DATABASE_URL: url.url },
    });
    expect(JSON.parse(again.stdout)).toMatchObject({ examined: 5, deleted: 0, kept: 5 });

    // One audit row per run (the table GET /api/v1/audit reads): who, the cut-off, the counts.
    const audit = await pruneAudit();
    expect(audit).toHaveLength(2);
    const before = /last changed before (\S+) /.exec(result.stdout)![1]!;
    expect(audit[0]).toMatchObject({ actor: 'cli', targetType: 'ledger', targetId: before });
    expect(JSON.parse(audit[0]!.changes!)).toEqual({
      before,
      completed: true,
      examined: 8,
      deleted: 3,
      deleted_by_status: { applied: 3 },
      deleted_by_reason: { strategy_deleted: 1, occurrence_done: 2 },
      kept: 5,
      kept_by_reason: {
        single_strategy: 1,
        per_user_cap: 1,
        due_occurrence: 1,
        occurrence_not_done: 2,
        unknown_strategy: 0,
      },
      changed_meanwhile: 0,
    });
    expect(JSON.parse(audit[1]!.changes!)).toMatchObject({ examined: 5, deleted: 0 });
  });

  it('a larger age leaves everything', async () => {
    const result = await runCli(['retention', '--older-than', '60', '--json'], {
      env: { DATABASE_URL: url.url },
    });
    expect(JSON.parse(result.stdout)).toMatchObject({ examined: 0, deleted: 0 });
    expect(await remaining()).toHaveLength(8);
  });
});

describe('the retention rule', () => {
  const strategy = (overrides: Partial<Strategy>): Strategy => ({
    ...fields('s', { type: 'periodic', periodicExpr: '0 8 * * *' }),
    id: 5,
    version: 1,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  });
  const row = { id: 1, strategyId: 5, occurrence: '2026-01-01T08:00:00.000Z' };
  const context = {
    occurrenceDone: true,
    dueOccurrence: '2026-02-01T08:00:00.000Z',
    lastKnownStrategyId: 9,
  };

  it.each([
    ['a strategy that no longer exists', undefined, row, context, { delete: 'strategy_deleted' }],
    [
      'a strategy id newer than every one listed',
      undefined,
      { ...row, strategyId: 10 },
      context,
      { keep: 'unknown_strategy' },
    ],
    [
      'a single strategy, even disabled',
      strategy({ type: 'single', periodicExpr: null, enabled: false }),
      { ...row, occurrence: 'once' },
      context,
      { keep: 'single_strategy' },
    ],
    [
      'a capped periodic strategy, done occurrence',
      strategy({ maxExecPerUser: 3 }),
      row,
      context,
      { keep: 'per_user_cap' },
    ],
    [
      'the occurrence due now, even done',
      strategy({}),
      row,
      { ...context, dueOccurrence: row.occurrence },
      { keep: 'due_occurrence' },
    ],
    [
      'an occurrence not done',
      strategy({}),
      row,
      { ...context, occurrenceDone: false },
      { keep: 'occurrence_not_done' },
    ],
    [
      'a done, past occurrence of an uncapped periodic strategy',
      strategy({ enabled: false }),
      row,
      context,
      { delete: 'occurrence_done' },
    ],
  ] as const)('%s', (_name, s, r, c, verdict) => {
    expect(retentionVerdict(r, s, c)).toEqual(verdict);
  });
});
