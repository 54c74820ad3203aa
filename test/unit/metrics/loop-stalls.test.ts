// The loop-stall monitor charges event-loop delay to the scan phase that caused it: a section
// that really blocks the loop (a busy wait, as a synchronous SQLite statement does) must show
// up under its own phase, not under the phase entered after it.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LoopStallMonitor } from '../../../src/metrics/loop-stalls.ts';

function blockFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // a synchronous section holding the event loop
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A monitor whose timer is stopped and whose clock is `clock.now`: the test drives its ticks by
 * hand, against that fake clock.
 */
function handDriven(startMs: number): { monitor: LoopStallMonitor; clock: { now: number } } {
  const clock = { now: startMs };
  const monitor = new LoopStallMonitor({
    registry: new Registry(),
    prefix: 'qm_',
    resolutionMs: 5,
    now: () => clock.now,
  });
  monitor.start();
  monitor.stop();
  return { monitor, clock };
}

async function bucketsOf(registry: Registry, phase: string): Promise<Map<string, number>> {
  const metric = await registry.getSingleMetric('qm_event_loop_delay_seconds')!.get();
  const out = new Map<string, number>();
  for (const v of metric.values)
    if (v.labels.phase === phase && v.labels.le !== undefined)
      out.set(String(v.labels.le), v.value);
  return out;
}

describe('LoopStallMonitor', () => {
  it('charges a blocking section to the phase that was entered before it', async () => {
    const registry = new Registry();
    const monitor = new LoopStallMonitor({ registry, prefix: 'qm_', resolutionMs: 5 });
    monitor.start();
    try {
      await sleep(30);
      monitor.enter('budget_check');
      blockFor(120);
      await sleep(30);
      monitor.enter('candidates');
      await sleep(30);
    } finally {
      monitor.stop();
    }
    const phases = monitor.snapshot();
    expect(phases.budget_check?.maxMs).toBeGreaterThanOrEqual(100);
    expect(phases.budget_check?.over50ms).toBe(1);
    expect(phases.candidates?.over50ms ?? 0).toBe(0);
    expect(phases.idle?.over50ms ?? 0).toBe(0);
    const buckets = await bucketsOf(registry, 'budget_check');
    // The 120 ms stall is above the 100 ms bucket and within the 250 ms one.
    expect(buckets.get('0.1')! < buckets.get('0.25')!).toBe(true);
  });

  it('charges a directly timed section to the phase it ran under, even after a phase change', () => {
    const { monitor, clock } = handDriven(0);
    monitor.enter('claim');
    clock.now += 80;
    monitor.section(78); // a SQLite statement of the claim held the loop for 78 ms
    monitor.enterWithoutStatements('delivery'); // a gateway call began before the timer fired
    monitor.tick();
    clock.now += 5;
    monitor.tick();
    monitor.stop(); // charges the last tick
    const phases = monitor.snapshot();
    expect(phases.claim).toMatchObject({ samples: 1, over50ms: 1, maxMs: 75 });
    expect(phases.delivery).toMatchObject({ samples: 1, over50ms: 0, maxMs: 0 });
  });

  it('charges a stall to gc when a garbage-collection pause explains it, even reported late', () => {
    const { monitor, clock } = handDriven(1000);
    monitor.enterWithoutStatements('delivery');
    clock.now += 5;
    monitor.tick(); // on time
    clock.now += 65; // 60 ms late: a scavenge of 58 ms ran in this window...
    monitor.tick();
    monitor.gcPause(clock.now - 62, 58); // ...and its perf_hooks entry arrives after the tick
    clock.now += 5;
    monitor.tick();
    clock.now += 45; // 40 ms late, no GC: the phase's own work
    monitor.tick();
    monitor.stop();
    const phases = monitor.snapshot();
    expect(phases.gc).toMatchObject({ samples: 1, over50ms: 1, maxMs: 60 });
    expect(phases.delivery).toMatchObject({ samples: 3, over50ms: 0, maxMs: 40 });
  });

  it('exposes the SQLite statement times by the database phase, not a gateway call after it', async () => {
    const registry = new Registry();
    const monitor = new LoopStallMonitor({ registry, prefix: 'qm_' });
    monitor.enter('outcome_write');
    monitor.enterWithoutStatements('delivery');
    monitor.section(30);
    const metric = await registry.getSingleMetric('qm_sqlite_statement_seconds')!.get();
    const count = metric.values.find(
      (v) =>
        (v as { metricName?: string }).metricName === 'qm_sqlite_statement_seconds_count' &&
        v.labels.phase === 'outcome_write',
    );
    expect(count?.value).toBe(1);
  });
});
