// The gate that lets API requests go ahead of a scan's heavy steps, on its own and as the API
// application drives it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InteractiveGate } from '../../src/scheduler/interactive-gate.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';

describe('InteractiveGate', () => {
  it('lets a scan step through at once when no request is being served', async () => {
    const gate = new InteractiveGate(10_000);
    const started = performance.now();
    await gate.idle();
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('holds a scan step until the last request in flight ends', async () => {
    const gate = new InteractiveGate(10_000);
    gate.begin();
    gate.begin();
    let through = false;
    const step = gate.idle().then(() => {
      through = true;
    });
    gate.end();
    await new Promise((r) => setTimeout(r, 20));
    expect(through).toBe(false);
    gate.end();
    await step;
    expect(through).toBe(true);
  });

  it('never holds a step longer than maxWaitMs, however busy the API is', async () => {
    const gate = new InteractiveGate(30);
    gate.begin();
    const started = performance.now();
    await gate.idle();
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(25);
    expect(waited).toBeLessThan(1_000);
    gate.end();
  });
});

describe('the API marks interactive requests', () => {
  let h: Harness;
  const events: string[] = [];
  beforeAll(async () => {
    // The daemon's own gate, recording what the API tells it.
    const gate = new (class extends InteractiveGate {
      override begin(): void {
        events.push('begin');
        super.begin();
      }
      override end(): void {
        events.push('end');
        super.end();
      }
    })();
    h = await createHarness('sqlite', { interactive: gate });
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('counts ordinary requests, but not the scan and run requests that are the scan', async () => {
    events.length = 0;
    expect((await h.call('GET', '/api/v1/strategies')).status).toBe(200);
    expect(events).toEqual(['begin', 'end']);
    events.length = 0;
    expect((await h.call('POST', '/api/v1/strategies/scan')).status).toBe(200);
    const created = await h.call('POST', '/api/v1/strategies', {
      name: 'gate',
      title: 'g',
      type: 'single',
      enabled: true,
      amount: 1,
      condition: 'false()',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const strategy = created.body;
    events.length = 0;
    expect((await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).status).toBe(200);
    expect(events).toEqual([]);
    // A failing request ends too.
    expect((await h.call('GET', '/api/v1/strategies/999999')).status).toBe(404);
    expect(events).toEqual(['begin', 'end']);
  });
});
