// The database commands as real processes, on SQLite and PostgreSQL: seed-demo is idempotent,
// preview and scan --dry-run leave no trace, scan grants through a real mock gateway process
// exactly once; plus migrate, the schema check, and serve.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.ts';
import {
  createDatabaseUrl,
  createEmptyDatabaseUrl,
  DATABASE_KINDS,
  type DisposableDatabaseUrl,
} from '../support/databases.ts';
import { freePort } from '../support/pg-cluster.ts';
import { MOCK_KEY, startMockGatewayProcess, type RunningProcess } from '../support/processes.ts';
import { runCli } from './cli-process.ts';
import { createUserStore } from '../../src/db/user-store.ts';

// Each test starts real processes (tsx, Prisma) and this suite runs on small, busy machines.
vi.setConfig({ testTimeout: 180_000 });

interface MockState {
  quotas: Record<string, number>;
  deltas: number;
}

async function mockState(mock: RunningProcess): Promise<MockState> {
  const response = await fetch(`${mock.url}/__mock/state`, {
    headers: { 'x-admin-key': MOCK_KEY },
  });
  return (await response.json()) as MockState;
}

/** Rows the scanner writes: none may appear during a dry run. */
async function traces(database: Database) {
  const [ledger, leases, occurrences] = await Promise.all([
    database.db.quotaExecute.count(),
    database.db.strategyLease.count(),
    database.db.strategyOccurrence.count(),
  ]);
  return { ledger, leases, occurrences };
}

describe.each(DATABASE_KINDS)('database commands on %s', (kind) => {
  let url: DisposableDatabaseUrl;
  let database: Database;
  let mock: RunningProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    url = await createDatabaseUrl(kind);
    database = await openDatabase(url.url);
    mock = await startMockGatewayProcess();
    env = {
      DATABASE_URL: url.url,
      AIGATEWAY_URL: mock.url,
      AIGATEWAY_AUTH_VALUE: MOCK_KEY,
      AIGATEWAY_MAX_ATTEMPTS: '2',
    };
  });
  afterAll(async () => {
    await mock?.stop();
    await database?.close();
    await url?.drop();
  });

  it('seed-demo writes the demo data once; running it again changes nothing', async () => {
    const first = await runCli(['seed-demo'], { env });
    expect(first.complaints).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('users: 20 written');
    expect(first.stdout).toMatch(/strategies: 9 created \(stargazer-daily-reward, .*\), 0 kept/);
    const before = await database.db.quotaStrategy.findMany({ orderBy: { id: 'asc' } });

    const second = await runCli(['seed-demo'], { env });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/strategies: 0 created, 9 kept \(stargazer-daily-reward, .*\)/);
    expect(await database.db.userInfo.count({ where: { id: { startsWith: 'demo-user-' } } })).toBe(
      20,
    );
    expect(await database.db.quotaStrategy.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
    expect(before.map((s) => s.timezone)).toEqual(Array(9).fill('UTC'));
    // One strategy of each grant mode at least.
    expect(new Set(before.map((s) => s.mode))).toEqual(new Set(['add', 'top_up', 'reset']));
  });

  it('preview by name and by id shows the same dry run and writes nothing', async () => {
    const vip = await database.db.quotaStrategy.findUniqueOrThrow({
      where: { name: 'vip-reward' },
    });
    const [byName, byId] = await Promise.all([
      runCli(['preview', 'vip-reward'], { env }),
      runCli(['preview', String(vip.id), '--json'], { env }),
    ]);
    expect(byName.code).toBe(0);
    expect(byName.stdout).toMatch(
      new RegExp(`^strategy +${vip.id} vip-reward \\(single, amount 10\\)$`, 'm'),
    );
    expect(byName.stdout).toMatch(/^would grant +10 users, 100 in total$/m);
    expect(byId.code).toBe(0);
    const preview = JSON.parse(byId.stdout);
    expect(preview).toMatchObject({
      occurrence: 'once',
      matched: 10,
      would_grant: 10,
      total_amount: 100,
    });
    // is-vip(2): users 3, 4, 7, 8, … (vip = index % 4).
    expect(preview.sample_user_ids.slice(0, 3)).toEqual([
      'demo-user-03',
      'demo-user-04',
      'demo-user-07',
    ]);
    expect(await traces(database)).toEqual({ ledger: 0, leases: 0, occurrences: 0 });
  });

  it('preview --occurrence next shows the coming fire time of a periodic strategy', async () => {
    const result = await runCli(
      ['preview', 'stargazer-daily-reward', '--occurrence', 'next', '--json'],
      {
        env,
      },
    );
    expect(result.complaints).toBe('');
    expect(result.code).toBe(0);
    const preview = JSON.parse(result.stdout);
    // '0 8 * * *' in UTC: the next 08:00 after now.
    expect(preview.occurrence).toMatch(/^\d{4}-\d{2}-\d{2}T08:00:00\.000Z$/);
    expect(Date.parse(preview.occurrence)).toBeGreaterThan(Date.now());
    expect(await traces(database)).toEqual({ ledger: 0, leases: 0, occurrences: 0 });
  });

  it('explain says why a user would or would not get a strategy, as text or JSON, and writes nothing', async () => {
    // is-vip(2): demo-user-03 has vip 2 (would_grant), demo-user-02 has vip 1 (condition_false).
    const [yes, no] = await Promise.all([
      runCli(['explain', 'vip-reward', 'demo-user-03'], { env }),
      runCli(['explain', 'vip-reward', 'demo-user-02', '--json'], { env }),
    ]);
    expect(yes.code).toBe(0);
    // The sentence first, then the facts.
    expect(yes.stdout.split('\n')[0]).toBe('Would be granted: the user gets 10 at the next run.');
    expect(yes.stdout).toMatch(/^verdict +would_grant \(amount 10\)$/m);
    expect(yes.stdout).toMatch(/^ +true +is-vip\(2\) +\[vip=2\]$/m);
    expect(no.code).toBe(0);
    expect(JSON.parse(no.stdout)).toMatchObject({
      verdict: 'condition_false',
      occurrence: 'once',
      condition: { text: 'is-vip(2)', result: false, observed: { vip: 1 } },
      ledger: null,
      summary: 'Not granted: the user is VIP level 1, below 2 (is-vip).',
    });
    expect(await traces(database)).toEqual({ ledger: 0, leases: 0, occurrences: 0 });
  });

  let dryRun: {
    would_grant: number;
    total_amount: number;
    items: { name: string; would_grant: number }[];
  };

  it('scan --dry-run shows a strategy a budget cap would hold as held, with the cap, not as "would grant 0"', async () => {
    const where = { name: 'vip-reward' };
    await database.db.quotaStrategy.update({ where, data: { maxUsersPerOccurrence: 1 } });
    try {
      const table = await runCli(['scan', '--dry-run'], { env });
      expect(table.code).toBe(0);
      const row = table.stdout.split('\n').find((line) => / vip-reward /.test(line));
      expect(row).toMatch(/ once +held: needs 10 users, max_users_per_occurrence 1 +0$/);
      expect(table.stdout).toMatch(/^1 held by a budget cap: a scan grants them nothing/m);
    } finally {
      await database.db.quotaStrategy.update({ where, data: { maxUsersPerOccurrence: null } });
    }
  });

  it('scan --dry-run previews every enabled strategy and leaves the ledger and the gateway untouched', async () => {
    // Periodic strategies off: one of them fires every 10 minutes, which would make the
    // expected grants depend on the wall clock. Disabled strategies are not scanned.
    await database.db.quotaStrategy.updateMany({
      where: { type: 'periodic' },
      data: { enabled: false },
    });
    const result = await runCli(['scan', '--dry-run', '--json'], { env });
    expect(result.code).toBe(0);
    dryRun = JSON.parse(result.stdout);
    expect(dryRun.items.map((i) => i.name)).toEqual([
      'star-bonus-once',
      'vip-reward',
      'new-user-welcome',
      'active-vip-reward',
    ]);
    expect(dryRun.items.find((i) => i.name === 'vip-reward')!.would_grant).toBe(10);
    expect(dryRun.would_grant).toBeGreaterThan(10);
    expect(await traces(database)).toEqual({ ledger: 0, leases: 0, occurrences: 0 });
    expect((await mockState(mock)).deltas).toBe(0);

    const table = await runCli(['scan', '--dry-run'], { env });
    expect(table.stdout).toMatch(/^id +name +occurrence +would grant +amount$/m);
    expect(table.stdout).toContain(
      `dry run: 4 enabled strategies would grant ${dryRun.would_grant} times, ${dryRun.total_amount} in total; nothing was written or sent`,
    );
  });

  it('scan grants what the dry run showed, through the gateway, exactly once', async () => {
    const result = await runCli(['scan'], { env });
    expect(result.complaints).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^scanned 4 strategies in \\d+ ms: matched ${dryRun.would_grant}, granted ${dryRun.would_grant}, skipped 0, failed 0$`,
        'm',
      ),
    );

    const state = await mockState(mock);
    expect(state.deltas).toBe(dryRun.would_grant);
    const total = Object.values(state.quotas).reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(dryRun.total_amount, 2);
    // demo-user-04: VIP 3, no stars, registered in 2025, last access before July 10th, so
    // vip-reward (10) and new-user-welcome (15) only.
    expect(state.quotas['demo-user-04']).toBe(25);
    expect(await database.db.quotaExecute.count({ where: { status: 'applied' } })).toBe(
      dryRun.would_grant,
    );
    // Every lease given back on the way out (expired at once; the rows keep their tokens).
    const held = await database.db.strategyLease.findMany({
      where: { expiresAt: { gt: BigInt(Date.now() + 1_000) } },
    });
    expect(held).toEqual([]);

    const again = await runCli(['scan', '--json'], { env });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ granted: 0, failed: 0 });
    expect((await mockState(mock)).deltas).toBe(dryRun.would_grant);
  });

  it('scan exits 1 when grants fail, and says where to look', async () => {
    // Through the user store, as the API and imports write users: the change counter moves, so
    // the (incremental) scan of the strategies already scanned reads this user.
    await createUserStore(database).upsert({ id: 'zz-late-vip', vip: 3 });
    await fetch(`${mock.url}/__mock/faults`, {
      method: 'POST',
      headers: { 'x-admin-key': MOCK_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ failure_rate: 1, status: 503 }),
    });
    try {
      const result = await runCli(['scan'], {
        env: { ...env, AIGATEWAY_RETRY_BASE_DELAY_MS: '1', AIGATEWAY_RETRY_MAX_DELAY_MS: '5' },
      });
      expect(result.code).toBe(1);
      expect(result.stdout).toMatch(/granted 0, skipped 0, failed [1-9]/);
      expect(result.stderr).toContain('grants failed or are unknown; see the ledger');
      expect(
        await database.db.quotaExecute.count({
          where: { userId: 'zz-late-vip', status: 'failed' },
        }),
      ).toBeGreaterThan(0);
    } finally {
      await fetch(`${mock.url}/__mock/faults`, {
        method: 'POST',
        headers: { 'x-admin-key': MOCK_KEY, 'content-type': 'application/json' },
        body: JSON.stringify({ failure_rate: 0 }),
      });
    }
  });

  it('scan --full reads a user another program wrote into user_info, which a plain scan does not', async () => {
    // Straight into the table, as another program would: the change sequence does not move.
    await database.db.userInfo.create({ data: { id: 'zz-direct-vip', vip: 3 } });
    const applied = () =>
      database.db.quotaExecute.count({ where: { userId: 'zz-direct-vip', status: 'applied' } });
    const plain = await runCli(['scan', '--json'], { env });
    expect(plain.code).toBe(0);
    expect(await applied()).toBe(0);

    const full = await runCli(['scan', '--full', '--json'], { env });
    expect(full.complaints).toBe('');
    expect(full.code).toBe(0);
    expect(await applied()).toBeGreaterThan(0);
    const granted = await applied();
    // Once: another full scan finds the user granted already.
    expect((await runCli(['scan', '--full', '--json'], { env })).code).toBe(0);
    expect(await applied()).toBe(granted);
  });

  it('preview of an unknown strategy fails with exit 1', async () => {
    const result = await runCli(['preview', 'no-such-strategy'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'quota-manager preview: no strategy has the id or name "no-such-strategy"\n',
    );
  });

  it('a mistyped strategy name gets a "did you mean"', async () => {
    const result = await runCli(['preview', 'vip-rewrad'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'quota-manager preview: no strategy has the id or name "vip-rewrad" (did you mean "vip-reward"?)\n',
    );
  });
});

describe('migrate, the schema check and serve', () => {
  let empty: DisposableDatabaseUrl | undefined;
  afterAll(async () => {
    await empty?.drop();
  });

  it('commands refuse an unmigrated database until migrate has run', async () => {
    empty = await createEmptyDatabaseUrl('sqlite');
    const env = { DATABASE_URL: empty.url };
    const refused = await runCli(['scan', '--dry-run'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'quota-manager scan: the database has no quota-manager schema yet; run `quota-manager migrate` first\n',
    );

    const migrated = await runCli(['migrate'], { env });
    expect(migrated).toMatchObject({ code: 0, stdout: 'migrations applied\n' });
    const scanned = await runCli(['scan', '--dry-run', '--json'], { env });
    expect(scanned.code).toBe(0);
    expect(JSON.parse(scanned.stdout)).toMatchObject({
      dry_run: true,
      strategies: 0,
      would_grant: 0,
    });
  });

  it('reports an invalid setting in one line, exit 1', async () => {
    const result = await runCli(['seed-demo'], { env: { DATABASE_URL: 'mongodb://x' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^quota-manager seed-demo: invalid configuration: .*DATABASE_URL.*\n$/,
    );
  });

  it('refuses a legacy zone name in QM_TIMEZONE, naming the zones likely meant, exit 1', async () => {
    const url = await createDatabaseUrl('sqlite');
    const result = await runCli(['scan', '--dry-run'], {
      env: { DATABASE_URL: url.url, QM_TIMEZONE: 'CST' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'quota-manager scan: invalid configuration: QM_TIMEZONE (yaml: timezone) = "CST" from the environment: "CST" is an abbreviation or legacy name that people read differently: use "Asia/Shanghai" or "America/Chicago"\n',
    );
  });

  it('serve runs the daemon until SIGTERM, then exits 0', async () => {
    const url = await createDatabaseUrl('sqlite');
    const port = await freePort();
    const child = spawn(process.execPath, ['bin/quota-manager.js', 'serve'], {
      env: {
        ...process.env,
        QM_CONFIG: 'config.yaml',
        DATABASE_URL: url.url,
        PORT: String(port),
        ADMIN_TOKEN: 'cli-serve-token-0123456789',
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      let healthy = false;
      for (let i = 0; i < 600 && !healthy && child.exitCode === null; i++) {
        healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
        if (!healthy) await new Promise((r) => setTimeout(r, 100));
      }
      expect(healthy, output).toBe(true);
      const strategies = await fetch(`http://127.0.0.1:${port}/api/v1/strategies`, {
        headers: { authorization: 'Bearer cli-serve-token-0123456789' },
      });
      expect(strategies.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('"message":"stopped"');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await url.drop();
    }
  });
});
