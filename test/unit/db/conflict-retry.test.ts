// The retry decisions of conflict-retry.ts: which errors are a deadlock victim's, how often a
// statement is sent again, the pauses between, and the last error going through unchanged.
import { describe, expect, it } from 'vitest';
import { CONFLICT_RETRIES, conflictCode, retryConflicts } from '../../../src/db/conflict-retry.ts';
import { translateDatabaseError } from '../../../src/db/prisma-errors.ts';
import { AppError } from '../../../src/core/errors.ts';

/** A DriverAdapterError as @prisma/adapter-mariadb and adapter-pg throw it (cause.originalCode). */
function adapterError(originalCode: string): Error {
  return Object.assign(new Error('driver error'), {
    cause: { kind: 'postgres', originalCode, originalMessage: 'deadlock' },
  });
}

function recorder() {
  const sleeps: number[] = [];
  const heard: string[] = [];
  return {
    sleeps,
    heard,
    options: {
      sleep: async (ms: number) => void sleeps.push(ms),
      random: () => 1,
      onRetry: (code: string) => void heard.push(code),
    },
  };
}

describe('conflictCode', () => {
  it('knows the deadlock and serialization codes of MariaDB and PostgreSQL, nothing else', () => {
    expect(conflictCode(adapterError('1213'))).toBe('1213');
    expect(conflictCode(adapterError('40P01'))).toBe('40P01');
    expect(conflictCode(adapterError('40001'))).toBe('40001');
    expect(conflictCode(Object.assign(new Error('x'), { code: '1213' }))).toBe('1213');
    // Prisma inside an interactive transaction: its own code, or P2010 with the driver's.
    expect(conflictCode(Object.assign(new Error('x'), { code: 'P2034' }))).toBe('P2034');
    const raw = Object.assign(new Error('x'), { code: 'P2010', meta: { code: '1213' } });
    expect(conflictCode(raw)).toBe('1213');
    // Lock wait timeout: the statement already waited innodb_lock_wait_timeout; not re-run.
    expect(conflictCode(adapterError('1205'))).toBeUndefined();
    expect(conflictCode(adapterError('23505'))).toBeUndefined();
    expect(conflictCode('1213')).toBeUndefined();
    expect(conflictCode(null)).toBeUndefined();
  });
});

describe('retryConflicts', () => {
  it('sends a deadlock victim again after growing pauses, and returns its answer', async () => {
    const r = recorder();
    let calls = 0;
    const answer = await retryConflicts(async () => {
      calls++;
      if (calls < 4) throw adapterError(calls % 2 ? '1213' : '40P01');
      return 'done';
    }, r.options);
    expect(answer).toBe('done');
    expect(calls).toBe(4);
    expect(r.heard).toEqual(['1213', '40P01', '1213']);
    expect(r.sleeps).toEqual([10, 20, 40]);
  });

  it(`gives up after ${CONFLICT_RETRIES} retries with the last error, unchanged`, async () => {
    const r = recorder();
    const errors: Error[] = [];
    const failing = retryConflicts(async () => {
      const error = adapterError('40001');
      errors.push(error);
      throw error;
    }, r.options);
    const caught = await failing.catch((error: unknown) => error);
    expect(caught).toBe(errors.at(-1));
    expect(errors).toHaveLength(CONFLICT_RETRIES + 1);
    expect(r.sleeps).toHaveLength(CONFLICT_RETRIES);
  });

  it('lets any other error through at once', async () => {
    const r = recorder();
    let calls = 0;
    const unique = adapterError('23505');
    await expect(
      retryConflicts(async () => {
        calls++;
        throw unique;
      }, r.options),
    ).rejects.toBe(unique);
    expect(calls).toBe(1);
    expect(r.sleeps).toEqual([]);
  });

  it('pauses a random part of each step, so two victims do not meet again in step', async () => {
    const sleeps: number[] = [];
    let calls = 0;
    await retryConflicts(
      async () => {
        if (calls++ < 2) throw adapterError('1213');
      },
      { sleep: async (ms) => void sleeps.push(ms), random: () => 0.25 },
    );
    expect(sleeps).toEqual([3, 5]);
  });
});

describe('a transaction rolled back to break a deadlock, at the API', () => {
  it('answers 503 database_unavailable (nothing changed, try again), for each form of the error', () => {
    const forms = [
      { code: 'P2034', message: 'Transaction failed due to a write conflict or a deadlock' },
      { code: 'P2010', message: 'Raw query failed. Code: `1213`. Message: `Deadlock found`' },
      { code: '40P01', message: 'deadlock detected' },
      { code: '40001', message: 'could not serialize access due to concurrent update' },
    ];
    for (const form of forms) {
      const translated = translateDatabaseError(Object.assign(new Error(form.message), form));
      expect(translated).toBeInstanceOf(AppError);
      expect((translated as AppError).code).toBe('database_unavailable');
      expect((translated as AppError).message).toMatch(/nothing was changed, try again/);
    }
    const other = Object.assign(new Error('unique'), { code: 'P2002' });
    expect(translateDatabaseError(other)).toBe(other);
  });
});
