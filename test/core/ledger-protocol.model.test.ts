// The fenced ledger protocol (docs/reliability.md) under random interleavings of two or three
// replicas, stalls, lease-statement latency, crashes, late and lost deltas and an operator,
// against in-memory stores with the SQL's compare-and-set semantics and a gateway whose delta
// log the checker reads. The seed is fixed so CI is repeatable; LEDGER_MODEL_SEED and
// LEDGER_MODEL_RUNS explore others (a failure prints its seed, path and shrunk command list).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ledgerCommands } from '../support/ledger-model/commands.ts';
import type { Replica } from '../support/ledger-model/replica.ts';
import { settleAll } from '../support/ledger-model/settle-all.ts';
import { LEASE_MS, World, type ModelConfig } from '../support/ledger-model/world.ts';
import type { Lateness } from '../support/simulated-gateway.ts';

const SEED = Number(process.env.LEDGER_MODEL_SEED ?? 22);
const RUNS = Number(process.env.LEDGER_MODEL_RUNS ?? 300);

const offsets = fc.record({
  monotonic: fc.integer({ min: -1_000_000, max: 1_000_000 }),
  wall: fc.integer({ min: -1_000_000, max: 1_000_000 }),
});

const config: fc.Arbitrary<ModelConfig> = fc.record({
  honoursIdempotency: fc.boolean(),
  reconcile: fc.boolean(),
  // Deltas late by up to the settle time after they left: the bound the orphan stamp needs
  // (the last test shows what the looser "after the call ended" admits).
  lateness: fc.constant('after_send' as const),
  settleMs: fc.constantFrom(1000, 2000, 6000),
  offsets: fc.array(offsets, { minLength: 2, maxLength: 3 }),
});

/** One whole run of `replica`, nobody stalling it, against a gateway that answers. */
async function wholeRun(replica: Replica): Promise<void> {
  await replica.acquire(0);
  while (replica.run !== null) await replica.next({ lost: false, lands: true, latencyMs: 0 });
}

describe('the fenced ledger protocol, model-based', () => {
  it('grants each user at most once, and exactly once after everything settled', async () => {
    await fc.assert(
      fc.asyncProperty(
        config,
        fc.commands(ledgerCommands(3, 3), { maxCommands: 250, size: 'max' }),
        async (settings, commands) => {
          const world = new World(settings);
          await fc.asyncModelRun(() => ({ model: world, real: world }), commands);
          await settleAll(world);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  /**
   * r0 sends u1's delta and stalls mid-call; r1 takes the lease, stamps the orphan with its
   * acquisition plus the settle time, later reads u1's total (unchanged), re-sends and applies.
   * Then r0 wakes and its call times out. Bounded from when it left, r0's delta had landed
   * before r1's read; bounded only from when r0's call ended, it lands after — a second grant.
   */
  it.each([
    ['after_send', 1],
    ['after_call_end', 2],
  ] as const)(
    'a delta late by the settle time after it %s is granted %i time(s)',
    async (lateness: Lateness, grants: number) => {
      const world = new World({
        ...{ honoursIdempotency: false, reconcile: true, lateness, settleMs: 1000 },
        offsets: [
          { monotonic: 0, wall: 0 },
          { monotonic: 0, wall: 0 },
        ],
      });
      const [r0, r1] = world.replicas as [Replica, Replica];
      await r0.acquire(0);
      await r0.claim('u1');
      await r0.mark(1);
      await r0.send(true);
      await world.pass(LEASE_MS, (i) => i === 0);
      await wholeRun(r1);
      await world.pass(1001, (i) => i === 0);
      await wholeRun(r1);
      expect(world.rowOf('u1')?.status).toBe('applied');
      await r0.answer(true);
      world.clock.advance(1001);
      world.gateway.catchUp();
      expect(world.gateway.applied(world.keyOf('u1'))).toBe(grants);
    },
  );
});
