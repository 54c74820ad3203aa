// Grant modes end to end through the API, the real scanner and the real mock gateway, on both
// databases and with both ways a gateway keeps a balance (AIGATEWAY_BALANCE): add, top_up
// (a target balance) and reset (set the balance), what the ledger records, what the preview and
// the statistics say, validation, and retries against a gateway that ignores Idempotency-Key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BalanceProtocol } from '../../src/core/grant-mode.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { createOrgStrategy } from '../support/org-strategy.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { unique } from '../support/unique-name.ts';

interface Row {
  user_id: string;
  status: string;
  mode: string;
  amount: number;
  balance_before: number | null;
  delta_sent: number | null;
  target: number | null;
}

/** Users of a fresh org, each given `balances[i]` at the gateway (set, then spent down). */
async function usersWithBalances(h: Harness, balances: { total: number; spent: number }[]) {
  const org = unique('org');
  const ids = balances.map((_, i) => `${org}-u${i}`);
  const bulk = await h.call(
    'POST',
    '/api/v1/users/bulk',
    ids.map((id) => ({ id, org })),
  );
  expect(bulk.status).toBe(200);
  for (const [i, id] of ids.entries()) {
    if (balances[i]!.total > 0) await h.runtime.gateway.refreshQuota(id, balances[i]!.total);
    if (balances[i]!.spent > 0) expect(h.mock.consume(id, balances[i]!.spent)).toBe(true);
  }
  return { org, ids };
}

// Created enabled (strategies start disabled otherwise: the go-live default).
const createStrategy = createOrgStrategy;

async function rows(h: Harness, strategyId: number): Promise<Map<string, Row>> {
  const page = await h.call('GET', `/api/v1/strategies/${strategyId}/executions?limit=100`);
  expect(page.status).toBe(200);
  return new Map((page.body.items as Row[]).map((r) => [r.user_id, r]));
}

/** What the user can spend at the mock, the way the configured protocol counts it. */
function balanceAt(h: Harness, protocol: BalanceProtocol, userId: string): number {
  const state = h.mock.state();
  const quota = state.quotas[userId] ?? 0;
  return protocol === 'quota' ? quota : Math.round((quota - (state.used[userId] ?? 0)) * 100) / 100;
}

/**
 * A harness (made before the describe's tests, destroyed after them) whose mock ignores
 * Idempotency-Key, as the real plugin does, and whose doubts settle after `settleAfterMs`.
 */
function withKeyIgnoringHarness(
  kind: (typeof DATABASE_KINDS)[number],
  settleAfterMs: number,
  use: (h: Harness) => void,
) {
  let h: Harness | undefined;
  beforeAll(async () => {
    h = await createHarness(kind, { honoursIdempotency: false, settleAfterMs });
    h.mock.setFaults({ honour_idempotency: false });
    use(h);
  });
  afterAll(async () => {
    await h?.destroy();
  });
}

const PROTOCOLS: BalanceProtocol[] = ['total_minus_used', 'quota'];

describe.each(DATABASE_KINDS)('grant modes on %s', (kind) => {
  describe('validation and the strategy resource', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(kind);
    });
    afterAll(async () => {
      await h.destroy();
    });

    it('mode defaults to add, is stored, serialized and patchable', async () => {
      const { org } = await usersWithBalances(h, []);
      const plain = await createStrategy(h, org, { amount: 5 });
      expect(plain.mode).toBe('add');
      const topUp = await createStrategy(h, org, { amount: 100, mode: 'top_up' });
      expect(topUp.mode).toBe('top_up');
      expect((await h.call('GET', `/api/v1/strategies/${topUp.id}`)).body.mode).toBe('top_up');
      const patched = await h.call('PATCH', `/api/v1/strategies/${plain.id}`, { mode: 'reset' });
      expect(patched).toMatchObject({ status: 200, body: { mode: 'reset', amount: 5 } });
    });

    it.each([
      ['top_up', 0, 201],
      ['reset', 0, 201],
      ['add', 0, 400],
      ['top_up', -1, 400],
      ['reset', -0.5, 400],
      ['add', -1, 400],
      ['top_up', 0.001, 400],
    ] as const)('mode %s with amount %d → %d', async (mode, amount, status) => {
      const answer = await h.call('POST', '/api/v1/strategies', {
        name: unique('v'),
        title: 't',
        type: 'single',
        mode,
        amount,
        condition: 'true()',
      });
      expect(answer.status).toBe(status);
      if (status === 400) {
        expect(answer.body.code).toBe('validation_failed');
        expect(answer.body.errors.map((e: { field: string }) => e.field)).toContain('amount');
      }
    });

    it('an unknown mode is a 400 naming the field, and a PATCH to add with amount 0 is refused', async () => {
      const bad = await h.call('POST', '/api/v1/strategies', {
        name: unique('v'),
        title: 't',
        type: 'single',
        mode: 'double',
        amount: 1,
        condition: 'true()',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field)).toContain('mode');
      const { org } = await usersWithBalances(h, []);
      const drain = await createStrategy(h, org, { amount: 0, mode: 'reset' });
      const toAdd = await h.call('PATCH', `/api/v1/strategies/${drain.id}`, { mode: 'add' });
      expect(toAdd.status).toBe(400);
      expect((await h.call('GET', `/api/v1/strategies/${drain.id}`)).body.mode).toBe('reset');
    });
  });

  describe.each(PROTOCOLS)('balance kept as %s', (protocol) => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(kind, { balance: protocol });
    });
    afterAll(async () => {
      await h.destroy();
    });

    it('top_up grants max(0, target − balance); a user at or above it gets an applied row with delta_sent 0 and no call', async () => {
      const { org, ids } = await usersWithBalances(h, [
        { total: 0, spent: 0 },
        { total: 100, spent: 30 },
        { total: 150, spent: 0 },
        { total: 100, spent: 0 },
      ]);
      const strategy = await createStrategy(h, org, { amount: 100, mode: 'top_up' });

      const preview = await h.call('POST', `/api/v1/strategies/${strategy.id}/preview`);
      expect(preview.status).toBe(200);
      expect(preview.body).toMatchObject({
        would_grant: 4,
        amounts_from: 'live_balance',
        total_amount: 130,
        balance_unread: 0,
      });
      expect(
        Object.fromEntries(
          (preview.body.sample_changes as { user_id: string; change: number }[]).map((c) => [
            c.user_id,
            c.change,
          ]),
        ),
      ).toEqual({ [ids[0]!]: 100, [ids[1]!]: 30, [ids[2]!]: 0, [ids[3]!]: 0 });

      const deltasBefore = h.mock.state().deltas;
      const run = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
      expect(run.body).toMatchObject({ granted: 4, failed: 0 });
      expect(h.mock.state().deltas - deltasBefore).toBe(2);
      expect(ids.map((id) => balanceAt(h, protocol, id))).toEqual([100, 100, 150, 100]);

      const ledger = await rows(h, strategy.id);
      const expected = [
        [0, 100],
        [70, 30],
        [150, 0],
        [100, 0],
      ];
      for (const [i, id] of ids.entries()) {
        expect(ledger.get(id)).toMatchObject({
          status: 'applied',
          mode: 'top_up',
          amount: 100,
          target: 100,
          balance_before: expected[i]![0],
          delta_sent: expected[i]![1],
        });
      }
      // Statistics sum what was sent, not the targets.
      const stats = await h.call('GET', `/api/v1/strategies/${strategy.id}/stats`);
      expect(stats.body.all_time.by_status.applied).toEqual({ grants: 4, amount: 130 });
      // The CSV export says what was sent too, beside the target.
      const csv = await h.call('GET', `/api/v1/grants?strategy_id=${strategy.id}`, undefined, {
        headers: { accept: 'text/csv' },
      });
      const [header, ...lines] = (csv.body as string).trimEnd().split('\r\n');
      const columns = header!.split(',');
      const byUser = new Map(
        lines.map((line) => {
          const cells = line.split(',');
          const cell = (name: string) => cells[columns.indexOf(name)];
          return [
            cell('user_id'),
            [cell('mode'), cell('balance_before'), cell('delta_sent'), cell('target')],
          ];
        }),
      );
      expect(byUser.get(ids[1])).toEqual(['top_up', '70', '30', '100']);
      expect(byUser.get(ids[2])).toEqual(['top_up', '150', '0', '100']);
    });

    it('reset sets the balance to amount (total = used + amount with two counters); 0 drains', async () => {
      const { org, ids } = await usersWithBalances(h, [
        { total: 0, spent: 0 },
        { total: 100, spent: 30 },
        { total: 800, spent: 0 },
      ]);
      const reset = await createStrategy(h, org, { amount: 500, mode: 'reset' });
      const preview = await h.call('POST', `/api/v1/strategies/${reset.id}/preview`);
      // 500 − 0 + 500 − 70 + 500 − 800
      expect(preview.body).toMatchObject({ amounts_from: 'live_balance', total_amount: 630 });

      const deltasBefore = h.mock.state().deltas;
      const run = await h.call('POST', `/api/v1/strategies/${reset.id}/run`);
      expect(run.body).toMatchObject({ granted: 3, failed: 0 });
      expect(h.mock.state().deltas).toBe(deltasBefore); // refreshes, not deltas
      expect(ids.map((id) => balanceAt(h, protocol, id))).toEqual([500, 500, 500]);
      if (protocol === 'total_minus_used') expect(h.mock.state().quotas[ids[1]!]).toBe(530);
      const ledger = await rows(h, reset.id);
      expect(ledger.get(ids[1]!)).toMatchObject({
        mode: 'reset',
        target: 500,
        balance_before: 70,
        delta_sent: 430,
      });
      expect(ledger.get(ids[2]!)).toMatchObject({ balance_before: 800, delta_sent: -300 });

      const drain = await createStrategy(h, org, { amount: 0, mode: 'reset' });
      expect((await h.call('POST', `/api/v1/strategies/${drain.id}/run`)).body.granted).toBe(3);
      expect(ids.map((id) => balanceAt(h, protocol, id))).toEqual([0, 0, 0]);
    });

    it('conditions keep working: top_up with quota-le tops up only the users it selects', async () => {
      const { org, ids } = await usersWithBalances(h, [
        { total: 30, spent: 0 },
        { total: 80, spent: 0 },
      ]);
      const strategy = await createStrategy(h, org, {
        amount: 100,
        mode: 'top_up',
        condition: `belong-to("${org}") and quota-le("any", 50)`,
      });
      const run = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
      expect(run.body).toMatchObject({ matched: 1, granted: 1 });
      expect(ids.map((id) => balanceAt(h, protocol, id))).toEqual([100, 80]);
      expect([...(await rows(h, strategy.id)).keys()]).toEqual([ids[0]]);
    });

    it('add still adds amount whatever the balance, and records delta_sent = amount', async () => {
      const { org, ids } = await usersWithBalances(h, [{ total: 40, spent: 10 }]);
      const add = await createStrategy(h, org, { amount: 5 });
      await h.call('POST', `/api/v1/strategies/${add.id}/run`);
      expect(balanceAt(h, protocol, ids[0]!)).toBe(35);
      expect((await rows(h, add.id)).get(ids[0]!)).toMatchObject({
        mode: 'add',
        balance_before: null,
        delta_sent: 5,
        target: null,
      });
    });
  });

  describe('top-ups of consecutive occurrences against a gateway that ignores Idempotency-Key', () => {
    // Long enough that the second run below starts well inside it on a loaded machine.
    const SETTLE_MS = 2500;
    const LATE_MS = 2000;
    let h: Harness;
    withKeyIgnoringHarness(kind, SETTLE_MS, (made) => (h = made));

    it("top_up: the next occurrence waits while the last one's delta may still land, so the two never stack", async () => {
      const { org, ids } = await usersWithBalances(h, [{ total: 20, spent: 0 }]);
      const user = ids[0]!;
      h.clock.set('2026-03-01T07:59:00Z');
      const strategy = await createStrategy(h, org, {
        type: 'periodic',
        periodic_expr: '0 8 * * *',
        amount: 100,
        mode: 'top_up',
      });
      // The first top-up's connection breaks and its delta lands a moment later.
      h.clock.set('2026-03-01T08:00:30Z');
      h.mock.setFaults({ late_apply_rate: 1, late_apply_ms: LATE_MS });
      const first = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
      h.mock.setFaults({ late_apply_rate: 0, late_apply_ms: 0 });
      expect(first.body).toMatchObject({ granted: 0, failed: 1 });

      // The next day's occurrence: a top-up read now may miss the delta on its way (80 more).
      h.clock.set('2026-03-02T08:00:30Z');
      const second = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
      expect(second.status).toBe(200);
      // The delta log's keys are the Idempotency-Key headers: percent-encoded UTF-8.
      const sentFor = (occurrence: string) =>
        h.mock
          .deltaLog()
          .items.filter(
            (d) =>
              decodeURIComponent(d.idempotency_key ?? '') ===
              `qm:${strategy.id}:${occurrence}:${user}`,
          ).length;
      expect(sentFor('2026-03-01T08:00:00.000Z')).toBeLessThanOrEqual(1);
      expect(sentFor('2026-03-02T08:00:00.000Z')).toBe(0);
      const waiting = await h.call(
        'GET',
        `/api/v1/strategies/${strategy.id}/executions?user_id=${user}&limit=10`,
      );
      expect(
        (waiting.body.items as { occurrence: string; status: string }[])
          .map((r) => [r.occurrence, r.status])
          .sort(),
      ).toEqual([
        ['2026-03-01T08:00:00.000Z', 'sending'],
        ['2026-03-02T08:00:00.000Z', 'pending'],
      ]);

      // Once the first is settled, both re-read the balance the first delta made: nothing more.
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 500));
      const settled = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
      expect(settled.body).toMatchObject({ failed: 0 });
      expect(balanceAt(h, 'total_minus_used', user)).toBe(100);
      const after = await h.call(
        'GET',
        `/api/v1/strategies/${strategy.id}/executions?user_id=${user}&limit=10`,
      );
      expect(
        (after.body.items as { status: string; delta_sent: number }[]).map((r) => [
          r.status,
          r.delta_sent,
        ]),
      ).toEqual([
        ['applied', 0],
        ['applied', 0],
      ]);
    });
  });

  describe('balance-reading grants of different strategies to one user, keys ignored', () => {
    // Long enough that the second run below starts well inside it on a loaded machine.
    const SETTLE_MS = 2500;
    const LATE_MS = 2000;
    let h: Harness;
    withKeyIgnoringHarness(kind, SETTLE_MS, (made) => (h = made));

    /** The strategy's rows for the user: [status, delta_sent]. */
    async function rowsOf(strategyId: number, user: string) {
      const page = await h.call(
        'GET',
        `/api/v1/strategies/${strategyId}/executions?user_id=${user}&limit=10`,
      );
      return (page.body.items as { status: string; delta_sent: number | null }[]).map((r) => [
        r.status,
        r.delta_sent,
      ]);
    }

    it.each([
      ['top_up', 150],
      ['reset', 150],
    ] as const)(
      "top_up to 100, then a %s to %d of another strategy: the second waits while the first's delta may still land, so they never stack",
      async (secondMode, secondAmount) => {
        const { org, ids } = await usersWithBalances(h, [{ total: 20, spent: 0 }]);
        const user = ids[0]!;
        const first = await createStrategy(h, org, { amount: 100, mode: 'top_up' });
        const second = await createStrategy(h, org, { amount: secondAmount, mode: secondMode });
        // The first top-up's connection breaks and its delta (80) lands a moment later.
        h.mock.setFaults({ late_apply_rate: 1, late_apply_ms: LATE_MS });
        const firstRun = await h.call('POST', `/api/v1/strategies/${first.id}/run`);
        h.mock.setFaults({ late_apply_rate: 0, late_apply_ms: 0 });
        expect(firstRun.body).toMatchObject({ granted: 0, failed: 1 });

        // A read now misses the 80 on its way: sent on it, the second would fill the same gap.
        const deltasBefore = h.mock.state().deltas;
        const secondRun = await h.call('POST', `/api/v1/strategies/${second.id}/run`);
        expect(secondRun.status).toBe(200);
        expect(h.mock.state().deltas).toBe(deltasBefore);
        expect(await rowsOf(second.id, user)).toEqual([['pending', null]]);

        // Once the first is settled (its re-read finds the 80: nothing more), the second reads
        // the balance the first made.
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 500));
        expect((await h.call('POST', `/api/v1/strategies/${first.id}/run`)).body).toMatchObject({
          failed: 0,
        });
        expect(balanceAt(h, 'total_minus_used', user)).toBe(100);
        expect((await h.call('POST', `/api/v1/strategies/${second.id}/run`)).body).toMatchObject({
          failed: 0,
        });
        expect(balanceAt(h, 'total_minus_used', user)).toBe(150);
        expect(await rowsOf(first.id, user)).toEqual([['applied', 0]]);
        expect(await rowsOf(second.id, user)).toEqual([['applied', 50]]);
        // Never above the higher target after any delta.
        const after = h.mock
          .deltaLog()
          .items.filter((d) => d.user_id === user)
          .map((d) => Number(d.remaining_after));
        expect(Math.max(...after)).toBeLessThanOrEqual(150);
      },
    );
  });

  describe('uncertain outcomes against a gateway that ignores Idempotency-Key', () => {
    /** How long a grant in doubt waits here before it is settled (AIGATEWAY_SETTLE_AFTER_MS). */
    const SETTLE_MS = 300;
    let h: Harness;
    withKeyIgnoringHarness(kind, SETTLE_MS, (made) => (h = made));

    /** A run made before the settle time has passed sends nothing for the rows in doubt. */
    async function runTooSoon(strategyId: number) {
      const deltasBefore = h.mock.state().deltas;
      expect((await h.call('POST', `/api/v1/strategies/${strategyId}/run`)).status).toBe(200);
      expect(h.mock.state().deltas).toBe(deltasBefore);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 200));
    }

    /**
     * Runs until no row of the strategy is in doubt any more (a loaded machine can reach the
     * first run before the settle time, which then sends nothing); the last run's answer.
     */
    async function runUntilSettled(strategyId: number) {
      for (let attempt = 0; ; attempt++) {
        const run = await h.call('POST', `/api/v1/strategies/${strategyId}/run`);
        const open = [...(await rows(h, strategyId)).values()].filter(
          (r) => r.status === 'sending',
        );
        if (open.length === 0 || attempt === 20) return run;
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      }
    }

    it('top_up: a lost answer leaves the row in doubt, not unknown; once settled, the retry re-reads and adds only what was consumed in between', async () => {
      const { org, ids } = await usersWithBalances(h, [
        { total: 20, spent: 0 },
        { total: 0, spent: 0 },
      ]);
      const strategy = await createStrategy(h, org, { amount: 100, mode: 'top_up' });
      h.mock.setFaults({ drop_after_apply_rate: 1 });
      const first = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
      h.mock.setFaults({ drop_after_apply_rate: 0 });
      expect(first.body).toMatchObject({ granted: 0, failed: 2 });
      // The deltas arrived although their answers were lost.
      expect(ids.map((id) => balanceAt(h, 'total_minus_used', id))).toEqual([100, 100]);
      const inDoubt = await rows(h, strategy.id);
      expect([...inDoubt.values()].map((r) => r.status)).toEqual(['sending', 'sending']);
      expect(inDoubt.get(ids[0]!)).toMatchObject({ balance_before: 20, delta_sent: 80 });
      // A late delta could still arrive: re-reading the balance now could top up twice.
      await runTooSoon(strategy.id);

      // The second user spends 15 before the retry.
      h.mock.consume(ids[1]!, 15);
      const deltasBefore = h.mock.state().deltas;
      const retry = await runUntilSettled(strategy.id);
      expect(retry.body).toMatchObject({ failed: 0 });
      expect(h.mock.state().deltas - deltasBefore).toBe(1);
      expect(ids.map((id) => balanceAt(h, 'total_minus_used', id))).toEqual([100, 100]);
      const settled = await rows(h, strategy.id);
      expect(settled.get(ids[0]!)).toMatchObject({
        status: 'applied',
        balance_before: 100,
        delta_sent: 0,
      });
      expect(settled.get(ids[1]!)).toMatchObject({
        status: 'applied',
        balance_before: 85,
        delta_sent: 15,
      });
    });

    it('reset: a lost answer is re-sent (an absolute value) once settled, never unknown', async () => {
      const { org, ids } = await usersWithBalances(h, [{ total: 300, spent: 100 }]);
      const strategy = await createStrategy(h, org, { amount: 50, mode: 'reset' });
      h.mock.setFaults({ drop_after_apply_rate: 1 });
      const first = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
      h.mock.setFaults({ drop_after_apply_rate: 0 });
      expect(first.body).toMatchObject({ granted: 0, failed: 1 });
      expect(balanceAt(h, 'total_minus_used', ids[0]!)).toBe(50);
      expect((await rows(h, strategy.id)).get(ids[0]!)).toMatchObject({ status: 'sending' });
      await runTooSoon(strategy.id);
      const retry = await runUntilSettled(strategy.id);
      expect(retry.body).toMatchObject({ failed: 0 });
      expect(balanceAt(h, 'total_minus_used', ids[0]!)).toBe(50);
      expect((await rows(h, strategy.id)).get(ids[0]!)).toMatchObject({ status: 'applied' });
      const unknown = await h.call(
        'GET',
        `/api/v1/strategies/${strategy.id}/executions?status=unknown`,
      );
      expect(unknown.body.total).toBe(0);
    });
  });
});
