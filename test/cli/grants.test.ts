// `quota-manager grants export` and `quota-manager resolve` as real processes on both
// databases: the export is the API's CSV, a resolution needs a confirmation (or --yes) and is
// audited as "cli".
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { withDefaults } from '../../src/core/model/strategy.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { createStrategyStore } from '../../src/db/strategy-store.ts';
import {
  createDatabaseUrl,
  DATABASE_KINDS,
  type DisposableDatabaseUrl,
} from '../support/databases.ts';
import { runCli } from './cli-process.ts';

vi.setConfig({ testTimeout: 180_000 });

describe.each(DATABASE_KINDS)('grants export and resolve on %s', (kind) => {
  let url: DisposableDatabaseUrl;
  let database: Database;
  let strategyId: number;
  let formulaStrategyId: number;
  const env = () => ({ DATABASE_URL: url.url });

  beforeAll(async () => {
    url = await createDatabaseUrl(kind);
    database = await openDatabase(url.url);
    const { db } = database;
    const strategy = await createStrategyStore(database).create(
      withDefaults(
        { name: 'cli-grants', title: 't', type: 'single', amount: 2, condition: 'true()' },
        'UTC',
      ),
      new Date(),
    );
    strategyId = strategy.id;
    const row = (userId: string, status: string) => ({
      strategyId,
      occurrence: 'once',
      userId,
      amount: 2,
      status,
      attempts: 1,
      idempotencyKey: `qm:${strategyId}:once:${userId}`,
      strategyVersion: 1,
    });
    await db.quotaExecute.createMany({
      data: [row('a', 'applied'), row('b', 'unknown'), row('c, "quoted"', 'unknown')],
    });
    // Ids and errors a spreadsheet would run as formulas, under a strategy of their own.
    formulaStrategyId = strategyId + 1_000_000;
    const failed = (userId: string, lastError: string | null) => ({
      ...row(userId, 'failed'),
      strategyId: formulaStrategyId,
      idempotencyKey: `qm:${formulaStrategyId}:once:${userId}`,
      lastError,
      amount: -5,
    });
    await db.quotaExecute.createMany({
      data: [failed('=HYPERLINK("http://evil.example")', '@SUM(A1)'), failed('+1', '-1+1')],
    });
  });
  afterAll(async () => {
    await database.close();
    await url.drop();
  });

  it('exports the ledger as CSV with a header row', async () => {
    const result = await runCli(['grants', 'export', '--strategy', String(strategyId)], {
      env: env(),
    });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(
      /^id,strategy_id,strategy_version,user_id,occurrence,amount,mode,balance_before,delta_sent,target,status/,
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain('"c, ""quoted"""');
    const unknown = await runCli(['grants', 'export', '--status', 'unknown'], { env: env() });
    expect(unknown.stdout.trimEnd().split('\r\n')).toHaveLength(3);
  });

  it('prefixes text cells that start like a formula with a quote; numbers stay numbers', async () => {
    const result = await runCli(['grants', 'export', '--strategy', String(formulaStrategyId)], {
      env: env(),
    });
    expect(result.code, result.stderr).toBe(0);
    const rows = result.stdout.trimEnd().split('\r\n').slice(1);
    expect(rows).toHaveLength(2);
    const hyperlink = rows.find((line) => line.includes('HYPERLINK'));
    expect(hyperlink).toContain(`,"'=HYPERLINK(""http://evil.example"")",once,-5,`);
    expect(hyperlink).toContain(`,"'@SUM(A1)",`);
    const plus = rows.find((line) => line.includes('+1'));
    expect(plus).toContain(`,"'+1",once,-5,`);
    expect(plus).toContain(`,"'-1+1",`);
  });

  it('refuses to resolve without a confirmation, and resolves every unknown row with --yes', async () => {
    const refused = await runCli(['resolve', 'cli-grants', '--as', 'applied'], { env: env() });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('not confirmed');
    expect(await database.db.quotaExecute.count({ where: { status: 'unknown' } })).toBe(2);

    const done = await runCli(['resolve', 'cli-grants', '--as', 'applied', '--yes'], {
      env: env(),
    });
    expect(done.code, done.stderr).toBe(0);
    expect(await database.db.quotaExecute.count({ where: { status: 'unknown' } })).toBe(0);
    const audit = await database.db.auditEvent.findMany({ where: { action: 'grant.resolve' } });
    expect(audit).toHaveLength(2);
    expect(audit.every((e) => e.actor === 'cli')).toBe(true);
  });
});
