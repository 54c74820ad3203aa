// Uncertain outcomes: the mock applies a delta and then drops the connection. With a gateway
// that honours Idempotency-Key the retry is safe and applies nothing twice; with one that does
// not (the real Higress plugin), the grant becomes `unknown`, is never re-sent blindly, and an
// operator resolves it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { unique } from '../support/unique-name.ts';

async function setup(h: Harness, users: number) {
  const org = unique('org');
  const ids = Array.from({ length: users }, (_, i) => `${org}-u${i}`);
  expect(
    (
      await h.call(
        'POST',
        '/api/v1/users/bulk',
        ids.map((id) => ({ id, org })),
      )
    ).status,
  ).toBe(200);
  const strategy = await h.call('POST', '/api/v1/strategies', {
    name: unique('s'),
    title: 't',
    type: 'single',
    enabled: true,
    amount: 2,
    condition: `belong-to("${org}")`,
  });
  expect(strategy.status).toBe(201);
  return { ids, strategyId: strategy.body.id as number };
}

describe.each(DATABASE_KINDS)('uncertain outcomes on %s', (kind) => {
  describe('gateway honours idempotency keys', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(kind, { honoursIdempotency: true });
    });
    afterAll(async () => {
      await h.destroy();
    });

    it('a dropped answer is retried with the same key and applied exactly once', async () => {
      const { ids, strategyId } = await setup(h, 5);
      h.mock.setFaults({ drop_after_apply_rate: 1 });
      const before = h.mock.state();
      const run = await h.call('POST', `/api/v1/strategies/${strategyId}/run`);
      h.mock.setFaults({ drop_after_apply_rate: 0 });
      // The first answer of each delta was lost after the gateway applied it; the retry with
      // the same key is answered from the gateway's memory, so the grant completes…
      expect(run.body).toMatchObject({ granted: 5, failed: 0 });
      const after = h.mock.state();
      expect(after.deltas - before.deltas).toBe(5); // …and each delta was applied once only.
      expect(after.idempotent_replays - before.idempotent_replays).toBe(5);
      expect((await h.call('POST', `/api/v1/strategies/${strategyId}/run`)).body.granted).toBe(0);
      for (const id of ids) expect(h.mock.state().quotas[id]).toBe(2);
      expect(h.mock.state().deltas - before.deltas).toBe(5);
    });
  });

  describe('gateway ignores idempotency keys (like Higress)', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await createHarness(kind, { honoursIdempotency: false });
      h.mock.setFaults({ honour_idempotency: false });
    });
    afterAll(async () => {
      await h.destroy();
    });

    it('an uncertain grant becomes unknown, is never re-sent, and is resolved by an operator', async () => {
      const { ids, strategyId } = await setup(h, 3);
      h.mock.setFaults({ drop_after_apply_rate: 1 });
      const first = await h.call('POST', `/api/v1/strategies/${strategyId}/run`);
      h.mock.setFaults({ drop_after_apply_rate: 0 });
      expect(first.body).toMatchObject({ granted: 0, failed: 3 });
      expect(h.mock.state().deltas).toBe(3);

      // Later scans leave unknown rows alone: nothing is sent twice.
      await h.call('POST', `/api/v1/strategies/${strategyId}/run`);
      await h.call('POST', '/api/v1/strategies/scan');
      expect(h.mock.state().deltas).toBe(3);
      for (const id of ids) expect(h.mock.state().quotas[id]).toBe(2);

      const unknown = await h.call(
        'GET',
        `/api/v1/strategies/${strategyId}/executions?status=unknown`,
      );
      expect(unknown.body.total).toBe(3);
      const [a, b, c] = unknown.body.items as { id: number; last_error: string }[];
      expect(a!.last_error).toBeTruthy();

      const applied = await h.call(
        'POST',
        `/api/v1/strategies/${strategyId}/executions/${a!.id}/resolve`,
        { resolution: 'applied' },
      );
      expect(applied).toMatchObject({ status: 200, body: { status: 'applied', last_error: null } });
      const retry = await h.call(
        'POST',
        `/api/v1/strategies/${strategyId}/executions/${b!.id}/resolve`,
        { resolution: 'retry' },
      );
      expect(retry).toMatchObject({ status: 200, body: { status: 'failed', attempts: 0 } });
      await h.call('POST', `/api/v1/strategies/${strategyId}/run`);
      expect(h.mock.state().deltas).toBe(4); // only the row the operator asked to retry was sent

      expect(
        await h.call('POST', `/api/v1/strategies/${strategyId}/executions/${a!.id}/resolve`, {
          resolution: 'retry',
        }),
      ).toMatchObject({ status: 409 });
      expect(
        await h.call('POST', `/api/v1/strategies/${strategyId}/executions/999999/resolve`, {
          resolution: 'applied',
        }),
      ).toMatchObject({ status: 404 });
      expect(
        await h.call('POST', `/api/v1/strategies/${strategyId}/executions/${c!.id}/resolve`, {
          resolution: 'maybe',
        }),
      ).toMatchObject({ status: 400 });
      const still = await h.call(
        'GET',
        `/api/v1/strategies/${strategyId}/executions?status=unknown`,
      );
      expect(still.body.total).toBe(1);
    });
  });
});
