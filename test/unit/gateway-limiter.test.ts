// The concurrency limiter: never more tasks in flight than allowed, first come first served,
// and a failing task still frees its slot.
import { describe, expect, it } from 'vitest';
import { createLimiter } from '../../src/gateway/limiter.ts';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createLimiter', () => {
  it('runs at most N tasks at once, in arrival order', async () => {
    const limiter = createLimiter(2);
    const gates = Array.from({ length: 5 }, deferred);
    const started: number[] = [];
    let active = 0;
    let peak = 0;
    const runs = gates.map((gate, i) =>
      limiter.run(async () => {
        started.push(i);
        active += 1;
        peak = Math.max(peak, active);
        await gate.promise;
        active -= 1;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    gates[1]!.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(started).toEqual([0, 1, 2]);
    for (const gate of gates) gate.resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3, 4]);
    expect(started).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
  });

  it('a failing task releases its slot', async () => {
    const limiter = createLimiter(1);
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(limiter.run(async () => 'next')).resolves.toBe('next');
  });

  it('without a bound every task starts at once', async () => {
    const limiter = createLimiter(undefined);
    const gate = deferred();
    let started = 0;
    const runs = Array.from({ length: 50 }, () =>
      limiter.run(async () => {
        started += 1;
        await gate.promise;
      }),
    );
    await Promise.resolve();
    expect(started).toBe(50);
    gate.resolve();
    await Promise.all(runs);
  });
});
