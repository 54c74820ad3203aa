// The standalone entry (`npm run mock-gateway`) as a real child process: configured by
// environment, prints where it listens, serves the protocol, and exits 0 on SIGTERM/SIGINT.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const KEY = 'child-process-key';
const children: ChildProcessWithoutNullStreams[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

interface Child {
  process: ChildProcessWithoutNullStreams;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startEntry(env: Record<string, string>, args: string[] = []): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', 'mock-gateway/main.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { process: child, output: () => output, exited };
}

async function waitForOutput(child: Child, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(child.output())) {
    if (child.process.exitCode !== null) throw new Error(`exited early: ${child.output()}`);
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${pattern}: ${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('mock-gateway/main.ts', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'serves on MOCK_GATEWAY_PORT and exits 0 on %s, saving its state file',
    async (signal) => {
      const port = await freePort();
      const dir = mkdtempSync(join(tmpdir(), 'qm-mock-entry-'));
      dirs.push(dir);
      const stateFile = join(dir, 'state.json');
      const child = startEntry({
        MOCK_GATEWAY_PORT: String(port),
        MOCK_GATEWAY_AUTH_VALUE: KEY,
        MOCK_GATEWAY_STATE_FILE: stateFile,
      });
      await waitForOutput(child, /mock gateway listening on/);
      expect(child.output()).toContain(`mock gateway listening on http://127.0.0.1:${port}`);
      expect(child.output()).not.toContain(KEY);

      const base = `http://127.0.0.1:${port}`;
      const delta = await fetch(`${base}/v1/chat/completions/quota/delta`, {
        method: 'POST',
        headers: { 'x-admin-key': KEY, 'idempotency-key': 'once' },
        body: new URLSearchParams({ user_id: 'child-user', value: '2.5' }),
      });
      expect(delta.status).toBe(200);
      const state = await fetch(`${base}/__mock/state`, { headers: { 'x-admin-key': KEY } });
      expect(await state.json()).toEqual({
        quotas: { 'child-user': 2.5 },
        used: {},
        deltas: 1,
        idempotent_replays: 0,
      });
      expect((await fetch(`${base}/__mock/state`)).status).toBe(401);

      child.process.kill(signal);
      expect(await child.exited).toEqual({ code: 0, signal: null });
      expect(child.output()).toContain(`mock gateway stopping (${signal})`);
      expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({
        quotas: { 'child-user': 250 },
        deltas: 1,
      });
    },
  );

  it('honours MOCK_GATEWAY_ADMIN_PATH, MOCK_GATEWAY_AUTH_HEADER and MOCK_GATEWAY_HONOUR_IDEMPOTENCY', async () => {
    const port = await freePort();
    const child = startEntry({
      MOCK_GATEWAY_PORT: String(port),
      MOCK_GATEWAY_AUTH_VALUE: KEY,
      MOCK_GATEWAY_AUTH_HEADER: 'x-gw-key',
      MOCK_GATEWAY_ADMIN_PATH: '/quota',
      MOCK_GATEWAY_HONOUR_IDEMPOTENCY: 'false',
    });
    await waitForOutput(child, /listening on/);
    for (let i = 0; i < 2; i += 1) {
      const res = await fetch(`http://127.0.0.1:${port}/quota/delta`, {
        method: 'POST',
        headers: { 'x-gw-key': KEY, 'idempotency-key': 'same' },
        body: new URLSearchParams({ user_id: 'u', value: '1' }),
      });
      expect(res.status).toBe(200);
    }
    const state = await fetch(`http://127.0.0.1:${port}/__mock/state`, {
      headers: { 'x-gw-key': KEY },
    });
    // The key was ignored, as the real Higress plugin ignores it.
    expect(await state.json()).toMatchObject({
      quotas: { u: 2 },
      deltas: 2,
      idempotent_replays: 0,
    });
    child.process.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  });

  it.each([
    ['by default, like the real Higress plugin, ignores', {}, [], 2],
    [
      'with MOCK_GATEWAY_HONOUR_IDEMPOTENCY=true applies once',
      { MOCK_GATEWAY_HONOUR_IDEMPOTENCY: 'true' },
      [],
      1,
    ],
    ['with --honour-idempotency applies once', {}, ['--honour-idempotency'], 1],
  ] as const)('%s a repeated Idempotency-Key (issue 11)', async (_case, env, args, deltas) => {
    const port = await freePort();
    const child = startEntry(
      { MOCK_GATEWAY_PORT: String(port), MOCK_GATEWAY_AUTH_VALUE: KEY, ...env },
      [...args],
    );
    await waitForOutput(child, /listening on/);
    for (let i = 0; i < 2; i += 1) {
      const res = await fetch(`http://127.0.0.1:${port}/v1/chat/completions/quota/delta`, {
        method: 'POST',
        headers: { 'x-admin-key': KEY, 'idempotency-key': 'same' },
        body: new URLSearchParams({ user_id: 'u', value: '1' }),
      });
      expect(res.status).toBe(200);
    }
    const state = await fetch(`http://127.0.0.1:${port}/__mock/state`, {
      headers: { 'x-admin-key': KEY },
    });
    expect(await state.json()).toMatchObject({ quotas: { u: deltas }, deltas });
    child.process.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  });

  it('refuses invalid settings with a message naming the variable and exit code 1', async () => {
    const child = startEntry({ MOCK_GATEWAY_PORT: 'eighty' });
    expect((await child.exited).code).toBe(1);
    expect(child.output()).toContain('MOCK_GATEWAY_PORT must be a port number, got "eighty"');
  });
});
