// A budget cap bounds what is claimed, not what was counted: users who start to match while a
// run pages through an occurrence (an import arriving mid-run) are not granted past the cap.
// The run claims up to the cap, leaves the rest for an approval or the next occurrence, and
// reports the occurrence held; it is not marked done (periodic) and its scan position is not
// saved (single), so nobody left out is forgotten. On every database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractiveGate } from '../../src/scheduler/interactive-gate.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { createOrgStrategy } from '../support/org-strategy.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { unique } from '../support/unique-name.ts';

/**
 * The real gate scans wait at before each page and claim. Its first wait after the strategy's
 * first claim imports users through the API, as an operator's import arriving mid-run would.
 */
class ImportMidRun extends InteractiveGate {
  job: { strategyId: number; users: { id: string; org: string }[] } | null = null;
  constructor(private readonly harness: () => Harness) {
    super();
  }

  override async idle(): Promise<void> {
    const job = this.job;
    if (job !== null) {
      const h = this.harness();
      const claimed = await h.database.db.quotaExecute.count({
        where: { strategyId: job.strategyId },
      });
      if (claimed > 0 && this.job === job) {
        this.job = null;
        const imported = await h.call('POST', '/api/v1/users/bulk', job.users);
        if (imported.status !== 200) throw new Error(`import failed: ${imported.status}`);
      }
    }
    return super.idle();
  }
}

describe.each(DATABASE_KINDS)('users who match mid-run, under a budget cap, on %s', (kind) => {
  let h: Harness;
  const gate = new ImportMidRun(() => h);
  beforeAll(async () => {
    h = await createHarness(kind, { pageSize: 2, interactive: gate });
  });
  afterAll(async () => {
    await h.destroy();
  });

  const granted = (org: string) =>
    Object.entries(h.mock.state().quotas)
      .filter(([user]) => user.startsWith(`${org}-`))
      .reduce((sum, [, quota]) => sum + quota, 0);

  it.each(['single', 'periodic'] as const)(
    '%s: 5 users fit the caps of 5 users / 50; 25 imported mid-run wait, and the occurrence is held',
    async (type) => {
      h.clock.set('2026-04-01T07:59:00Z');
      const org = unique('mid');
      const first = Array.from({ length: 5 }, (_, i) => ({ id: `${org}-a${i}`, org }));
      expect((await h.call('POST', '/api/v1/users/bulk', first)).status).toBe(200);
      const { id } = await createOrgStrategy(h, org, {
        type,
        ...(type === 'periodic' ? { periodic_expr: '0 8 * * *' } : {}),
        amount: 10,
        max_users_per_occurrence: 5,
        max_amount_per_occurrence: 50,
      });
      h.clock.set('2026-04-01T08:00:30Z');
      const occurrence = type === 'single' ? 'once' : '2026-04-01T08:00:00.000Z';
      // Ids after the first five's: the run's later pages read them.
      const late = Array.from({ length: 25 }, (_, i) => ({ id: `${org}-z${i + 10}`, org }));
      gate.job = { strategyId: id, users: late };

      const run = await h.call('POST', `/api/v1/strategies/${id}/run`);
      expect(gate.job).toBeNull(); // the import did arrive mid-run
      const held = {
        occurrence,
        needed_users: 30,
        needed_amount: 300,
        max_users_per_occurrence: 5,
        max_amount_per_occurrence: 50,
      };
      expect(run).toMatchObject({ status: 200, body: { granted: 5, failed: 0, held } });
      expect(granted(org)).toBe(50);
      expect(await h.database.db.quotaExecute.count({ where: { strategyId: id } })).toBe(5);
      const row = await h.database.db.strategyOccurrence.findUnique({
        where: { strategyId_occurrence: { strategyId: id, occurrence } },
      });
      expect(row?.status).toBe('held');
      const logged = () =>
        h.logger.lines.filter(
          (l) => l.message.startsWith('occurrence held') && l.fields?.strategy_id === id,
        );
      expect(logged()).toHaveLength(1);

      // The next run (a tick would do the same) still holds it; nothing more is granted.
      const again = await h.call('POST', `/api/v1/strategies/${id}/run`);
      expect(again).toMatchObject({ status: 200, body: { granted: 0, held } });
      expect(granted(org)).toBe(50);
      expect(logged()).toHaveLength(1);
    },
  );
});
