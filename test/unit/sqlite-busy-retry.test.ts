// The retry decisions of sqlite-busy-retry.ts, on a hand-moved clock: what counts as busy, when
// it waits, how long, and when it gives up (with the last error, unchanged).
import { describe, expect, it } from 'vitest';
import {
  isSqliteBusy,
  retryWhileBusy,
  sqliteTransactionOptions,
} from '../../src/db/sqlite-busy-retry.ts';

/** A DriverAdapterError as @prisma/adapter-better-sqlite3 throws it (name, cause). */
function adapterError(originalCode: string, kind = 'SocketTimeout'): Error {
  const error = new Error(kind);
  error.name = 'DriverAdapterError';
  Object.assign(error, { cause: { kind, originalCode, originalMessage: 'database is locked' } });
  return error;
}

/** A clock that only moves when the code under test sleeps, and the sleeps it was asked for. */
function manualTime() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    /** Time spent inside an attempt (SQLite's own short busy wait). */
    spend: (ms: number) => {
      now += ms;
    },
  };
}

describe('isSqliteBusy', () => {
  it.each([
    ['SQLITE_BUSY', true],
    ['SQLITE_BUSY_SNAPSHOT', true],
    ['SQLITE_BUSY_RECOVERY', true],
    ['SQLITE_BUSY_TIMEOUT', true],
    ['SQLITE_LOCKED', false],
    ['SQLITE_CONSTRAINT_UNIQUE', false],
    ['SQLITE_BUSYNESS', false],
  ])('adapter error with original code %s → %s', (code, busy) => {
    expect(isSqliteBusy(adapterError(code))).toBe(busy);
  });

  it('reads better-sqlite3 errors (code on the error itself) too', () => {
    expect(
      isSqliteBusy(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' })),
    ).toBe(true);
  });

  it.each([null, undefined, 'SQLITE_BUSY', 5, new Error('database is locked')])(
    'is false for %s',
    (value) => {
      expect(isSqliteBusy(value)).toBe(false);
    },
  );
});

describe('retryWhileBusy', () => {
  it('retries a busy statement until it succeeds, waiting 5, 10, 20 … ms between attempts', async () => {
    const time = manualTime();
    let attempts = 0;
    const result = await retryWhileBusy(
      async () => {
        attempts += 1;
        if (attempts < 5) throw adapterError('SQLITE_BUSY');
        return 'done';
      },
      { deadlineMs: 10_000, now: time.now, sleep: time.sleep },
    );
    expect(result).toBe('done');
    expect(attempts).toBe(5);
    expect(time.sleeps).toEqual([5, 10, 20, 40]);
  });

  it('caps the wait at 100 ms', async () => {
    const time = manualTime();
    let attempts = 0;
    await retryWhileBusy(
      async () => {
        attempts += 1;
        if (attempts < 9) throw adapterError('SQLITE_BUSY');
      },
      { deadlineMs: 10_000, now: time.now, sleep: time.sleep },
    );
    expect(time.sleeps).toEqual([5, 10, 20, 40, 80, 100, 100, 100]);
  });

  it('does not retry other errors: they fail at once, unchanged', async () => {
    const time = manualTime();
    const unique = adapterError('SQLITE_CONSTRAINT_UNIQUE', 'UniqueConstraintViolation');
    let attempts = 0;
    const failing = retryWhileBusy(
      async () => {
        attempts += 1;
        throw unique;
      },
      { now: time.now, sleep: time.sleep },
    );
    await expect(failing).rejects.toBe(unique);
    expect(attempts).toBe(1);
    expect(time.sleeps).toEqual([]);
  });

  it('gives up at the deadline with the last attempt’s error, never sleeping past it', async () => {
    const time = manualTime();
    const errors: Error[] = [];
    const failing = retryWhileBusy(
      async () => {
        time.spend(20);
        const error = adapterError('SQLITE_BUSY');
        errors.push(error);
        throw error;
      },
      { deadlineMs: 1000, now: time.now, sleep: time.sleep },
    );
    const error: unknown = await failing.catch((e: unknown) => e);
    expect(errors.length).toBeGreaterThan(1);
    expect(error).toBe(errors.at(-1));
    // Attempts and waits add up to the deadline (the last attempt ends at or just after it).
    expect(time.now()).toBeGreaterThanOrEqual(1000);
    expect(time.now()).toBeLessThan(1000 + 20 + 1);
    expect(Math.max(...time.sleeps)).toBeLessThanOrEqual(100);
    expect(time.sleeps.reduce((a, b) => a + b, 0) + errors.length * 20).toBe(time.now());
  });

  it('stops when told to (the transaction is being closed), before or after a wait', async () => {
    const time = manualTime();
    let attempts = 0;
    let closing = false;
    const busy = adapterError('SQLITE_BUSY');
    const failing = retryWhileBusy(
      async () => {
        attempts += 1;
        if (attempts === 2) closing = true;
        throw busy;
      },
      { now: time.now, sleep: time.sleep },
      () => closing,
    );
    await expect(failing).rejects.toBe(busy);
    expect(attempts).toBe(2);
    expect(time.sleeps).toEqual([5]);
  });

  it('reports each wait (the retry metric)', async () => {
    const time = manualTime();
    const heard: number[] = [];
    let attempts = 0;
    await retryWhileBusy(
      async () => {
        attempts += 1;
        if (attempts < 3) throw adapterError('SQLITE_BUSY_SNAPSHOT');
      },
      { now: time.now, sleep: time.sleep, onRetry: (ms) => heard.push(ms) },
    );
    expect(heard).toEqual([5, 10]);
  });
});

describe('sqliteTransactionOptions', () => {
  it('adds the busy deadline to Prisma’s default maxWait (2 s) and timeout (5 s)', () => {
    expect(sqliteTransactionOptions()).toEqual({ maxWait: 12_000, timeout: 15_000 });
    expect(sqliteTransactionOptions(1000)).toEqual({ maxWait: 3000, timeout: 6000 });
  });
});
