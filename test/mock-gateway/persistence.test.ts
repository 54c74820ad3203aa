// The optional state file: a restart with the same file brings back balances, counters and
// remembered Idempotency-Keys; a damaged file stops the start instead of silently starting empty.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockGateway } from '../../mock-gateway/server.ts';

const KEY = 'persistence-test-key';
const ADMIN = '/v1/chat/completions/quota';
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qm-mock-state-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function post(
  base: string,
  path: string,
  form: Record<string, string>,
  key?: string,
): Promise<Response> {
  const headers: Record<string, string> = { 'x-admin-key': KEY };
  if (key) headers['idempotency-key'] = key;
  return fetch(`${base}${ADMIN}${path}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(form),
  });
}

describe('state file', () => {
  it('survives a restart: balances, counters and remembered idempotency keys', async () => {
    const stateFile = join(dir, 'state.json');
    const first = await startMockGateway({ authValue: KEY, stateFile, honourIdempotency: true });
    expect(
      (await post(first.url, '/delta', { user_id: 'alice', value: '0.1' }, 'grant-1')).status,
    ).toBe(200);
    expect(
      (await post(first.url, '/delta', { user_id: 'alice', value: '0.2' }, 'grant-2')).status,
    ).toBe(200);
    expect(
      (await post(first.url, '/delta', { user_id: 'alice', value: '0.2' }, 'grant-2')).status,
    ).toBe(200);
    expect(
      (await post(first.url, '/used/refresh', { user_id: 'bob', quota: '12.34' })).status,
    ).toBe(200);
    const saved = first.state();
    expect(saved).toEqual({
      quotas: { alice: 0.3 },
      used: { bob: 12.34 },
      deltas: 2,
      idempotent_replays: 1,
    });
    await first.close();

    // Amounts are stored as integer hundredths, so the file itself holds no float noise.
    const onDisk = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(onDisk).toMatchObject({
      version: 1,
      quotas: { alice: 30 },
      used: { bob: 1234 },
      deltas: 2,
      idempotent_replays: 1,
    });
    // Atomic writes leave no temp files behind.
    expect(readdirSync(dir)).toEqual(['state.json']);

    const second = await startMockGateway({ authValue: KEY, stateFile, honourIdempotency: true });
    try {
      expect(second.state()).toEqual(saved);
      // A key used before the restart is still recognised: replayed, not applied again.
      const replay = await post(
        second.url,
        '/delta',
        { user_id: 'alice', value: '0.1' },
        'grant-1',
      );
      expect((await replay.json()).data.quota).toBe(0.1);
      expect(second.state()).toEqual({ ...saved, idempotent_replays: 2 });
    } finally {
      await second.close();
    }
  });

  it('a reset is persisted too', async () => {
    const stateFile = join(dir, 'state.json');
    const first = await startMockGateway({ authValue: KEY, stateFile, honourIdempotency: true });
    await post(first.url, '/delta', { user_id: 'carol', value: '5' });
    first.reset();
    await first.close();
    const second = await startMockGateway({ authValue: KEY, stateFile, honourIdempotency: true });
    try {
      expect(second.state()).toEqual({ quotas: {}, used: {}, deltas: 0, idempotent_replays: 0 });
    } finally {
      await second.close();
    }
  });

  it('a burst of concurrent deltas all reach the file', async () => {
    const stateFile = join(dir, 'state.json');
    const gw = await startMockGateway({ authValue: KEY, stateFile, honourIdempotency: true });
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        post(gw.url, '/delta', { user_id: `user-${i % 5}`, value: '1.01' }),
      ),
    );
    await gw.close();
    const onDisk = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(onDisk.deltas).toBe(50);
    expect(onDisk.quotas).toEqual({
      'user-0': 1010,
      'user-1': 1010,
      'user-2': 1010,
      'user-3': 1010,
      'user-4': 1010,
    });
  });

  it.each([
    ['not JSON', '{"quotas": '],
    [
      'the wrong shape',
      JSON.stringify({
        version: 1,
        quotas: { a: 'lots' },
        used: {},
        deltas: 0,
        idempotent_replays: 0,
        idempotency: [],
      }),
    ],
    [
      'an unknown version',
      JSON.stringify({
        version: 2,
        quotas: {},
        used: {},
        deltas: 0,
        idempotent_replays: 0,
        idempotency: [],
      }),
    ],
  ])('refuses to start from a file holding %s', async (_what, content) => {
    const stateFile = join(dir, 'state.json');
    writeFileSync(stateFile, content);
    await expect(
      startMockGateway({ authValue: KEY, stateFile, honourIdempotency: true }),
    ).rejects.toMatchObject({
      code: 'mock_state_file_invalid',
      message: expect.stringContaining(stateFile),
    });
    // The damaged file is left for a human to inspect, not overwritten.
    expect(readFileSync(stateFile, 'utf8')).toBe(content);
  });
});
