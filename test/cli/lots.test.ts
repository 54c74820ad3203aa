// `quota-manager lots <user-id>` and `quota-manager lots expiring` as real processes on every
// database: the table and the API's JSON shape from the same use cases, keyset pages past the
// first, a user id that is a subcommand's name, and a refused duration that prints nothing on
// standard output.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.ts';
import {
  createDatabaseUrl,
  DATABASE_KINDS,
  type DisposableDatabaseUrl,
} from '../support/databases.ts';
import { runCli } from './cli-process.ts';

vi.setConfig({ testTimeout: 180_000 });

const DAY = 86_400_000;
/** More than one page of the command's reads (1 000), so the keyset is exercised. */
const MANY = 1_005;

describe.each(DATABASE_KINDS)('lots commands on %s', (kind) => {
  let url: DisposableDatabaseUrl;
  let database: Database;
  const env = () => ({ DATABASE_URL: url.url });
  const alice = 'alice-ü-😀';

  const lot = (userId: string, i: number, expiresInDays: number, state = 'active') => ({
    strategyId: 7,
    occurrence: new Date(Date.UTC(2026, 0, 1) + i * DAY).toISOString(),
    userId,
    source: 'grant',
    grantId: null,
    amount: '100',
    consumed: '30',
    grantedAt: new Date(Date.now() - DAY),
    expiresAt: new Date(Date.now() + expiresInDays * DAY),
    priority: 0,
    state,
    expiredAmount: state === 'active' ? null : '70',
  });

  beforeAll(async () => {
    url = await createDatabaseUrl(kind);
    database = await openDatabase(url.url);
    await database.db.creditLot.createMany({
      data: [
        lot(alice, 0, 2),
        lot(alice, 1, 30),
        lot(alice, 2, -1, 'expired'),
        lot('expiring', 0, 40),
        ...Array.from({ length: MANY }, (_, i) => lot(`bulk-${i}`, 0, 3)),
      ],
    });
  });
  afterAll(async () => {
    await database.close();
    await url.drop();
  });

  it("prints a user's lots as a table, active and past", async () => {
    const result = await runCli(['lots', alice], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^id\s+strategy\s+occurrence\s+amount\s+remaining\s+expires at\s+state/,
    );
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(/\s100\s+70\s+\S+Z\s+active/);
    expect(lines[3]).toMatch(/\s100\s+0\s+\S+Z\s+expired\s+70$/);
  });

  it('--json prints the API shape', async () => {
    const result = await runCli(['lots', alice, '--json'], { env: env() });
    expect(result.code, result.stderr).toBe(0);
    const body = JSON.parse(result.stdout) as { items: Record<string, unknown>[]; total: number };
    expect(body.total).toBe(3);
    expect(body.items.map((l) => l.state)).toEqual(['active', 'active', 'expired']);
    expect(body.items[0]).toMatchObject({ user_id: alice, amount: 100, remaining: 70 });
  });

  it('a user named "expiring" is reached after --; an unknown user has no lots', async () => {
    const named = await runCli(['lots', '--', 'expiring', '--json'], { env: env() });
    // After `--` everything is an argument: one user id at a time.
    expect(named.code).toBe(2);
    const ok = await runCli(['lots', '--json', '--', 'expiring'], { env: env() });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ total: 1, items: [{ user_id: 'expiring' }] });
    const nobody = await runCli(['lots', 'nobody'], { env: env() });
    expect(nobody).toMatchObject({ code: 0, stdout: 'user "nobody" has no lots\n' });
  });

  it('lots expiring lists every active lot within the duration, page after page', async () => {
    const week = await runCli(['lots', 'expiring', '--within', 'P7D', '--json'], { env: env() });
    expect(week.code, week.stderr).toBe(0);
    const body = JSON.parse(week.stdout) as { items: { user_id: string }[]; total: number };
    // alice's lot in 2 days and the bulk in 3; not alice's in 30, the expired one, or 40 days.
    expect(body.total).toBe(MANY + 1);
    expect(body.items).toHaveLength(MANY + 1);
    expect(new Set(body.items.map((l) => l.user_id)).size).toBe(MANY + 1);
    const table = await runCli(['lots', 'expiring'], { env: env() });
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(MANY + 2);
    expect(table.stdout).toContain('alice-ü-😀');
    const none = await runCli(['lots', 'expiring', '--within', 'PT1M'], { env: env() });
    expect(none).toMatchObject({ code: 0, stdout: 'no active lot expires within PT1M\n' });
  });

  it('refuses a --within that is not a duration with exit 1 and nothing on standard output', async () => {
    // (A NUL cannot be passed as a process argument; the API's tests send it.)
    for (const within of ['P1M', 'P99999D', '']) {
      const result = await runCli(['lots', 'expiring', '--within', within], { env: env() });
      expect(result.code, within).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('within');
    }
  });
});
