// A change of the title (or the name, or `enabled`) used to make a new strategy version, and a
// new version sends a single strategy back to a full scan of every user. Now only a change of
// what decides who is granted what, when or how does (src/core/model/strategy-version.ts).
// Over the API on every database; a full scan is told from an incremental one by the scan's
// log line and by a planted user only a full scan can find.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createOrgStrategy, orgStrategyBody } from '../support/org-strategy.ts';
import { unique } from '../support/unique-name.ts';

interface ScanLog {
  scan: 'full' | 'incremental';
  changes_after: number | null;
  candidates_read: number;
}

describe.each(DATABASE_KINDS)('strategy versions on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => {
    await h.destroy();
  });

  const body = orgStrategyBody;
  const create = (org: string, fields: Record<string, unknown> = {}) =>
    createOrgStrategy(h, org, fields);

  const stored = (id: number) => h.database.db.quotaStrategy.findUniqueOrThrow({ where: { id } });
  const quotaOf = (userId: string) => h.mock.state().quotas[userId] ?? 0;

  /** Runs the strategy once; returns the run's answer and how its scan read users. */
  async function run(id: number) {
    const before = h.logger.lines.length;
    const response = await h.call('POST', `/api/v1/strategies/${id}/run`);
    expect(response.status).toBe(200);
    const scan = h.logger.lines
      .slice(before)
      .filter((l) => l.message === 'single strategy scanned' && l.fields?.strategy_id === id)
      .map((l) => l.fields as unknown as ScanLog)
      .at(-1);
    return { body: response.body, scan };
  }

  /**
   * A strategy that completed a scan (granting `${org}-a`), and a matching user written around
   * our stores, stamped as unchanged since before that scan: only a full scan can find it, so
   * whether it gets granted tells a full scan from an incremental one.
   */
  async function scannedWithPlantedUser(fields: Record<string, unknown> = {}) {
    const org = unique('org');
    expect((await h.call('POST', '/api/v1/users/bulk', [{ id: `${org}-a`, org }])).status).toBe(
      200,
    );
    const strategy = await create(org, fields);
    expect((await run(strategy.id)).body).toMatchObject({ granted: 1 });
    await h.database.db.userInfo.create({ data: { id: `${org}-planted`, org, changeSeq: 0n } });
    return { org, strategy, planted: `${org}-planted` };
  }

  it('a title-only PATCH keeps the version, and the next run continues incrementally', async () => {
    const { strategy, planted } = await scannedWithPlantedUser();
    const patched = await h.call('PATCH', `/api/v1/strategies/${strategy.id}`, {
      title: 'A better title',
    });
    expect(patched).toMatchObject({
      status: 200,
      body: { title: 'A better title', version: strategy.version },
    });
    expect((await stored(strategy.id)).version).toBe(strategy.version);
    const position = await h.database.db.strategyScanPosition.findUniqueOrThrow({
      where: { strategyId: strategy.id },
    });
    expect(position.strategyVersion).toBe(strategy.version);
    const next = await run(strategy.id);
    // Incremental: the planted user (unchanged since the last scan) is not even read.
    expect(next.scan).toMatchObject({ scan: 'incremental', candidates_read: 0 });
    expect(next.body).toMatchObject({ granted: 0 });
    expect(quotaOf(planted)).toBe(0);
  });

  it('after a title-only PATCH a tick finds the strategy up to date: no run, no user read', async () => {
    const { strategy, planted } = await scannedWithPlantedUser();
    const position = () =>
      h.database.db.strategyScanPosition.findUniqueOrThrow({ where: { strategyId: strategy.id } });
    const positionBefore = await position();
    expect(
      (await h.call('PATCH', `/api/v1/strategies/${strategy.id}`, { title: 'Tick title' })).status,
    ).toBe(200);
    const before = h.logger.lines.length;
    const tick = await h.call('POST', '/api/v1/strategies/scan');
    expect(tick.status).toBe(200);
    // Up to date (src/core/scan/up-to-date.ts): no run, so no scan of this strategy at all —
    // with a new version this tick would be a full scan and grant the planted user.
    const ours = h.logger.lines
      .slice(before)
      .filter((l) => l.fields?.strategy_id === strategy.id)
      .map((l) => l.message);
    expect(ours).not.toContain('single strategy scanned');
    expect(quotaOf(planted)).toBe(0);
    expect(await position()).toEqual(positionBefore);
  });

  it('a rename and a PUT that changes only the title keep the version; the audit still records them', async () => {
    const org = unique('org');
    const strategy = await create(org);
    const renamed = await h.call('PATCH', `/api/v1/strategies/${strategy.id}`, {
      name: unique('renamed'),
    });
    expect(renamed).toMatchObject({ status: 200, body: { version: strategy.version } });
    const put = await h.call(
      'PUT',
      `/api/v1/strategies/${strategy.id}`,
      body(org, { name: renamed.body.name, title: 'Retitled by PUT' }),
    );
    expect(put).toMatchObject({
      status: 200,
      body: { title: 'Retitled by PUT', version: strategy.version },
    });
    const trail = await h.database.db.auditEvent.findMany({
      where: { targetType: 'strategy', targetId: String(strategy.id), action: 'strategy.update' },
      orderBy: { id: 'asc' },
    });
    expect(trail.map((e) => Object.keys(JSON.parse(e.changes ?? '{}')))).toEqual([
      ['name'],
      ['title'],
    ]);
  });

  it('disable and enable keep the version; the re-enabled strategy continues from its position and grants users changed meanwhile', async () => {
    const { org, strategy, planted } = await scannedWithPlantedUser();
    const disabled = await h.call('POST', `/api/v1/strategies/${strategy.id}/disable`);
    expect(disabled).toMatchObject({ body: { enabled: false, version: strategy.version } });
    // Written while the strategy is disabled: the change counter moves past its position.
    await h.call('PUT', `/api/v1/users/${org}-while-off`, { org });
    const enabled = await h.call('POST', `/api/v1/strategies/${strategy.id}/enable`);
    expect(enabled).toMatchObject({ body: { enabled: true, version: strategy.version } });
    const patched = await h.call('PATCH', `/api/v1/strategies/${strategy.id}`, {
      enabled: false,
    });
    expect(patched).toMatchObject({ body: { enabled: false, version: strategy.version } });
    await h.call('PATCH', `/api/v1/strategies/${strategy.id}`, { enabled: true });
    const next = await run(strategy.id);
    expect(next.scan).toMatchObject({ scan: 'incremental', candidates_read: 1 });
    expect(next.body).toMatchObject({ granted: 1 });
    expect(quotaOf(`${org}-while-off`)).toBe(2);
    expect(quotaOf(planted)).toBe(0);
  });

  it('a condition change still makes a new version and a full scan', async () => {
    const { org, strategy, planted } = await scannedWithPlantedUser();
    const patched = await h.call('PATCH', `/api/v1/strategies/${strategy.id}`, {
      condition: `belong-to("${org}") or belong-to("nobody-${org}")`,
      title: 'And a new title',
    });
    expect(patched).toMatchObject({ status: 200, body: { version: strategy.version + 1 } });
    expect((await stored(strategy.id)).version).toBe(strategy.version + 1);
    const next = await run(strategy.id);
    expect(next.scan).toMatchObject({ scan: 'full', changes_after: null });
    expect(next.body).toMatchObject({ granted: 1 });
    expect(quotaOf(planted)).toBe(2);
  });

  it.each([
    ['amount', { amount: 3 }],
    ['mode', { mode: 'top_up' }],
    ['model', { model: 'gpt-4o' }],
    ['timezone', { timezone: 'Asia/Shanghai' }],
    [
      'max_exec_per_user',
      { max_exec_per_user: 1 },
      { type: 'periodic', periodic_expr: '0 8 * * *' },
    ],
    ['start_at', { start_at: '2020-01-01T00:00:00Z' }],
    ['end_at', { end_at: '2100-01-01T00:00:00Z' }],
    ['max_users_per_occurrence', { max_users_per_occurrence: 100 }],
    ['max_amount_per_occurrence', { max_amount_per_occurrence: 100 }],
    ['type and periodic_expr', { type: 'periodic', periodic_expr: '0 8 * * *' }],
    ['missed_runs', { missed_runs: 'catch_up' }, { type: 'periodic', periodic_expr: '0 8 * * *' }],
    ['max_catch_up', { max_catch_up: 3 }, { type: 'periodic', periodic_expr: '0 8 * * *' }],
  ] as [string, Record<string, unknown>, Record<string, unknown>?][])(
    'a PATCH of %s makes a new version',
    async (_field, change, start = {}) => {
      const strategy = await create(unique('org'), start);
      const patched = await h.call('PATCH', `/api/v1/strategies/${strategy.id}`, change);
      expect(patched).toMatchObject({ status: 200, body: { version: strategy.version + 1 } });
    },
  );

  it('a PATCH that sets a field to its current value makes no version', async () => {
    const strategy = await create(unique('org'));
    const same = await h.call('PATCH', `/api/v1/strategies/${strategy.id}`, {
      amount: strategy.amount,
      condition: strategy.condition,
    });
    expect(same).toMatchObject({ status: 200, body: { version: strategy.version } });
  });
});
