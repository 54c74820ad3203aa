// The user sync engine with in-memory fakes of its ports: coercion, bad rows skipped and
// counted, incremental runs with the overlap, the delete guard, dry runs. The real source
// databases and stores are in test/sources/user-source.test.ts.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import type { UserUpsert } from '../../src/core/model/user.ts';
import type { UserSourceState } from '../../src/core/model/user-sync.ts';
import type { SourceReadRequest, SourceRow } from '../../src/core/ports/user-source.ts';
import { coerceSourceRow } from '../../src/core/user-source/coerce-source-row.ts';
import { CURSOR_OVERLAP_MS, readFrom } from '../../src/core/user-source/source-cursor.ts';
import {
  runUserSync,
  type UserSyncDeps,
  type UserSyncSettings,
} from '../../src/core/user-source/sync-users.ts';
import { UserSyncRunner } from '../../src/core/user-source/user-sync-runner.ts';
import { userRecordRules } from '../../src/sources/user-record-rules.ts';

const silent = { info() {}, warn() {}, error() {}, debug() {} };

function fakes(rows: SourceRow[], settings: Partial<UserSyncSettings> = {}) {
  const users = new Map<string, UserUpsert>();
  const reads: SourceReadRequest[] = [];
  let state: UserSourceState | null = null;
  let leaseHeld = false;
  const deps: UserSyncDeps = {
    reader: {
      kind: 'memory',
      async *pages(request) {
        reads.push(request);
        const from = request.from?.value;
        const picked = rows.filter(
          (row) => from === undefined || (row[request.cursorColumn!] as string) >= from,
        );
        for (let i = 0; i < picked.length; i += request.pageSize)
          yield picked.slice(i, i + request.pageSize);
      },
    },
    users: {
      async upsertMany(batch) {
        for (const user of batch) users.set(user.id, { ...users.get(user.id), ...user });
        return batch.length;
      },
      async delete(id) {
        return users.delete(id);
      },
      async listIds(after, limit) {
        return [...users.keys()]
          .sort()
          .filter((id) => after === undefined || id > after)
          .slice(0, limit);
      },
      async count() {
        return users.size;
      },
    },
    state: {
      async read() {
        return state;
      },
      async save(next) {
        state = structuredClone(next);
      },
    },
    lease: {
      async acquire() {
        if (leaseHeld) return false;
        leaseHeld = true;
        return true;
      },
      async renew() {
        return leaseHeld;
      },
      async release() {
        leaseHeld = false;
      },
      async heldByAnyone() {
        return leaseHeld;
      },
    },
    rules: userRecordRules,
    audit: { async record() {} },
    actor: { name: 'system' },
    clock: new ManualClock(new Date('2026-06-01T00:00:00Z')),
    logger: silent,
    settings: {
      onDelete: 'keep',
      maxDeleteFraction: 0.1,
      timeZone: 'Asia/Shanghai',
      fullEveryMs: 86_400_000,
      pageSize: 2,
      ...settings,
    },
  };
  return { deps, users, reads, state: () => state };
}

/** A run holding the lease, as UserSyncRunner runs it. */
async function sync(deps: UserSyncDeps, request: Parameters<typeof runUserSync>[1]) {
  expect(await deps.lease.acquire()).toBe(true);
  try {
    return await runUserSync(deps, request);
  } finally {
    await deps.lease.release();
  }
}

describe('coerceSourceRow', () => {
  it.each([
    [
      'a naive date and time, read in the zone',
      { id: 'a', register_time: '2025-06-01 08:00:00' },
      { register_time: '2025-06-01T00:00:00.000Z' },
    ],
    [
      'a naive date with a fraction',
      { id: 'a', register_time: '2025-06-01T08:00:00.250' },
      { register_time: '2025-06-01T00:00:00.250Z' },
    ],
    [
      'a date only, midnight in the zone',
      { id: 'a', access_time: '2025-06-01' },
      { access_time: '2025-05-31T16:00:00.000Z' },
    ],
    [
      'an offset is kept',
      { id: 'a', register_time: '2025-06-01T08:00:00+02:00' },
      { register_time: '2025-06-01T06:00:00.000Z' },
    ],
    [
      'epoch milliseconds (Keycloak)',
      { id: 'a', register_time: '1748736000000' },
      { register_time: '2025-06-01T00:00:00.000Z' },
    ],
    [
      'a driver Date',
      { id: 'a', register_time: new Date('2025-06-01T00:00:00Z') },
      { register_time: '2025-06-01T00:00:00.000Z' },
    ],
    ['numbers and bigints as ids', { id: 42n }, { id: '42' }],
    ['vip from text, boolean and bigint', { id: 'a', vip: '3' }, { vip: 3 }],
    ['vip true', { id: 'a', vip: true }, { vip: 1 }],
    ['vip NULL keeps the stored level', { id: 'a', vip: null }, { id: 'a' }],
    ['empty text is null', { id: 'a', phone: '' }, { phone: null }],
    [
      'stars as a comma list',
      { id: 'a', github_stars: 'x/y, z/w,' },
      { github_stars: ['x/y', 'z/w'] },
    ],
    ['other columns ignored', { id: 'a', updated_at: 'x' }, { id: 'a' }],
  ])('%s', (_name, row, expected) => {
    const result = coerceSourceRow(row, 'Asia/Shanghai');
    expect(result.ok).toBe(true);
    expect((result as { record: object }).record).toMatchObject(expected);
  });

  it.each([
    [{ id: 'a', vip: '1.5' }, 'vip'],
    [{ id: 'a', vip: 2.5 }, 'vip'],
    [{ id: 'a', register_time: 'yesterday' }, 'register_time'],
    [{ id: 'a', register_time: '2025-02-30 00:00:00' }, 'register_time'],
    [{ name: 'no id' }, 'id'],
    [{ id: { nested: true } }, 'id'],
  ])('refuses %j at %s', (row, field) => {
    expect(coerceSourceRow(row, 'UTC')).toMatchObject({ ok: false, field });
  });

  it.each([
    ['an id of bytes that are not UTF-8', { id: Buffer.from([0x61, 0x62, 0xff]) }, 'id'],
    ['a truncated sequence', { id: 'a', name: Buffer.from([0x4a, 0xc3]) }, 'name'],
    ['an id the driver decoded with a replacement', { id: 'abc\uFFFD' }, 'id'],
    [
      'a GitHub login decoded with one',
      { id: 'a', github_username: 'dev\uFFFD' },
      'github_username',
    ],
  ])('refuses %s (reason invalid_utf8)', (_name, row, field) => {
    const result = coerceSourceRow(row, 'UTC');
    expect(result).toMatchObject({ ok: false, field, reason: 'invalid_utf8' });
    expect((result as { message: string }).message).toMatch(/UTF-8/);
  });

  it('keeps valid UTF-8 bytes and non-ASCII text as they are', () => {
    const row = { id: Buffer.from('usér-é😀', 'utf8'), name: 'Zoë \uFFFD' };
    expect(coerceSourceRow(row, 'UTC')).toMatchObject({
      ok: true,
      record: { id: 'usér-é😀', name: 'Zoë \uFFFD' },
    });
  });
});

describe('readFrom (the overlap)', () => {
  it('starts a date cursor five minutes early and other kinds at the value itself', () => {
    expect(CURSOR_OVERLAP_MS).toBe(300_000);
    expect(readFrom({ kind: 'instant', value: '2025-06-01T00:10:00.000Z' }).value).toBe(
      '2025-06-01T00:05:00.000Z',
    );
    expect(readFrom({ kind: 'wall', value: '2025-06-01 00:02:00.5' }).value).toBe(
      '2025-05-31 23:57:00.5',
    );
    expect(readFrom({ kind: 'number', value: '17' }).value).toBe('17');
  });
});

describe('runUserSync', () => {
  it('skips bad rows, counts them by reason with their ids, and upserts the rest', async () => {
    const { deps, users, state } = fakes([
      { id: 'ok1', vip: 1 },
      { id: 'x'.repeat(129) },
      { id: 'bad-vip', vip: 'gold' },
      { id: 'ok2', email: 'b@example.org' },
      { name: 'no id' },
    ]);
    const run = await sync(deps, {});
    expect([...users.keys()].sort()).toEqual(['ok1', 'ok2']);
    expect(run).toMatchObject({ rowsRead: 5, upserted: 2, error: null, full: true });
    expect(run.rejected).toEqual({ invalid_id: 2, invalid_vip: 1 });
    expect(run.rejectedIds.invalid_vip).toEqual(['bad-vip']);
    expect(run.rejectedIds.invalid_id).toEqual(['x'.repeat(129), 'row 5']);
    expect(state()!.lastRun!.finishedAt).not.toBeNull();
  });

  it('counts rows refused for invalid UTF-8 under their own reason, with where they were', async () => {
    const { deps, users } = fakes([
      { id: 'ok' },
      { id: 'abc\uFFFD' },
      { id: Buffer.from([0xfe, 0x41]) },
    ]);
    const run = await sync(deps, {});
    expect([...users.keys()]).toEqual(['ok']);
    expect(run.rejected).toEqual({ invalid_utf8: 2 });
    expect(run.rejectedIds.invalid_utf8).toEqual(['abc\uFFFD', 'row 3']);
    expect(run.rejectedExamples.invalid_utf8).toMatch(/^id /);
  });

  it('reads incrementally from the stored cursor minus the overlap', async () => {
    const rows = [
      { id: 'a', updated_at: '2025-06-01 10:00:00' },
      { id: 'b', updated_at: '2025-06-01 11:00:00' },
    ];
    const { deps, reads, state } = fakes(rows, { cursorColumn: 'updated_at' });
    await sync(deps, {});
    expect(state()!.cursor).toEqual({ kind: 'wall', value: '2025-06-01 11:00:00' });
    rows.push({ id: 'c', updated_at: '2025-06-01 10:58:00' }); // committed late, earlier stamp
    const second = await sync(deps, {});
    expect(reads[1]!.from).toEqual({ kind: 'wall', value: '2025-06-01 10:55:00' });
    expect(second).toMatchObject({ full: false, rowsRead: 2, upserted: 2 });
  });

  it('deletes vanished users when told to, within the fraction', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => ({ id: `u${String(i).padStart(2, '0')}` }));
    const { deps, users } = fakes(rows, { onDelete: 'delete' });
    await sync(deps, {});
    rows.splice(0, 2);
    const run = await sync(deps, { full: true });
    expect(run).toMatchObject({ vanished: 2, deleted: 2, deletesRefused: null });
    expect(users.has('u00')).toBe(false);
  });

  it('refuses to delete more than the fraction, and keeps every user', async () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ id: `u${i}` }));
    const { deps, users } = fakes(rows, { onDelete: 'delete' });
    await sync(deps, {});
    rows.splice(0, 5);
    const run = await sync(deps, { full: true });
    expect(run).toMatchObject({ vanished: 5, deleted: 0, deletesRefused: 'too_many_deletes' });
    expect(users.size).toBe(10);
  });

  it('deletes nobody when the query answers no row, even with a fraction of 1', async () => {
    const rows = [{ id: 'a' }, { id: 'b' }];
    const { deps, users } = fakes(rows, { onDelete: 'delete', maxDeleteFraction: 1 });
    await sync(deps, {});
    rows.length = 0;
    const run = await sync(deps, { full: true });
    expect(run).toMatchObject({
      rowsRead: 0,
      deleted: 0,
      deletesRefused: 'source_returned_no_rows',
    });
    expect(users.size).toBe(2);
  });

  it('a refused row does not make its user vanish', async () => {
    const rows: SourceRow[] = [{ id: 'a' }, { id: 'b' }];
    const { deps, users } = fakes(rows, { onDelete: 'delete', maxDeleteFraction: 1 });
    await sync(deps, {});
    rows[1] = { id: 'b', vip: 'gold' };
    const run = await sync(deps, { full: true });
    expect(run).toMatchObject({ vanished: 0, deleted: 0 });
    expect(users.has('b')).toBe(true);
  });

  it('a dry run reports and writes nothing', async () => {
    const rows = [{ id: 'a' }, { id: 'b' }];
    const { deps, users, state } = fakes(rows, { onDelete: 'delete', maxDeleteFraction: 1 });
    const run = await sync(deps, { dryRun: true });
    expect(run).toMatchObject({ dryRun: true, upserted: 2 });
    expect(users.size).toBe(0);
    expect(state()).toBeNull();
  });
});

describe('UserSyncRunner', () => {
  it('answers conflict while a run goes on, and runs again after it', async () => {
    const { deps } = fakes([{ id: 'a' }]);
    const runner = new UserSyncRunner(deps);
    const first = await runner.start({});
    await expect(runner.start({})).rejects.toMatchObject({ code: 'conflict' });
    await first.done;
    const second = await runner.start({});
    expect((await second.done).error).toBeNull();
  });
});
