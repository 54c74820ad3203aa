// The daemon as a real process, started where it cannot work (issue 12 H and 6): it must stop
// with one line that says what to change (setting, path or address, errno) — no stack trace, no
// hang, and no scanner started — or, for a gateway that is down, start and say so.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/pg-cluster.ts';
import { E2E_ADMIN_TOKEN } from '../support/processes.ts';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qm-startup-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Outcome {
  code: number | null;
  output: string;
  timedOut: boolean;
}

/** Starts the daemon and waits for it to exit, killing it after `timeoutMs`. */
async function startExpectingExit(
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<Outcome> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      QM_CONFIG: 'config.yaml',
      LOG_FORMAT: 'json',
      ADMIN_TOKEN: E2E_ADMIN_TOKEN,
      PORT: String(port),
      DATABASE_URL: `file:${join(dir, `ok-${port}.db`)}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  return { code, output, timedOut };
}

/** The process's last words: its non-JSON lines (JSON lines are the log). */
const plainLines = (output: string) =>
  output.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{'));

function expectOneLineFailure(outcome: Outcome, pattern: RegExp): void {
  expect(outcome.timedOut, outcome.output).toBe(false);
  expect(outcome.code, outcome.output).toBe(1);
  const lines = plainLines(outcome.output);
  expect(lines, outcome.output).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(outcome.output).not.toMatch(/^\s+at /m);
  expect(outcome.output).not.toContain('scanner started');
}

describe('start-up where the daemon cannot work', { timeout: 120_000 }, () => {
  it('HOST that is no address: one-line configuration error before anything starts', async () => {
    const outcome = await startExpectingExit({ HOST: '256.1.1.1' });
    expectOneLineFailure(
      outcome,
      /^quota-manager: invalid configuration: HOST \(yaml: host\) = "256\.1\.1\.1" from the environment: must be a host name or IP address/,
    );
    expect(outcome.output).not.toContain('database ready');
  });

  it('HOST not on this machine: one line naming HOST, PORT and the errno; the scanner never starts', async () => {
    const outcome = await startExpectingExit({ HOST: '192.0.2.1' });
    expectOneLineFailure(
      outcome,
      /^quota-manager: cannot listen on 192\.0\.2\.1:\d+ \(EADDRNOTAVAIL\): set HOST \/ PORT to an address of this machine and a free port$/,
    );
  });

  it('DATABASE_URL under /proc: a clear error naming the setting, the path and the errno, no hang', async () => {
    const outcome = await startExpectingExit({ DATABASE_URL: 'file:/proc/qm-nope/data.db' });
    expectOneLineFailure(
      outcome,
      /^quota-manager: failed to start: DATABASE_URL file:\/proc\/qm-nope\/data\.db: the directory \/proc\/qm-nope does not exist, and only \S+ is created by itself \(ENOENT: no such file or directory\); point DATABASE_URL at a file in a writable directory$/,
    );
  });

  it('a SQLite directory that is a file: the path, the setting and the errno', async () => {
    const notADir = join(dir, 'plain-file');
    writeFileSync(notADir, 'x');
    const outcome = await startExpectingExit({ DATABASE_URL: `file:${notADir}/qm.db` });
    expectOneLineFailure(
      outcome,
      new RegExp(
        `^quota-manager: failed to start: DATABASE_URL file:${notADir}/qm\\.db: ${notADir} is not a directory \\(ENOTDIR`,
      ),
    );
  });

  it('a SQLite file that cannot be opened for writing: the path, the setting and the errno', async () => {
    const outcome = await startExpectingExit({ DATABASE_URL: 'file:/proc/self/status' });
    expectOneLineFailure(
      outcome,
      /^quota-manager: failed to start: DATABASE_URL file:\/proc\/self\/status: cannot open \/proc\/self\/status as a SQLite database \(SQLITE_CANTOPEN: unable to open database file\); point DATABASE_URL at/,
    );
  });

  it('a gateway that is down at start-up: a warning naming it, and /readyz says why', async () => {
    const port = await freePort();
    const gatewayPort = await freePort(); // nothing listens there
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: {
        ...process.env,
        NODE_ENV: 'test',
        QM_CONFIG: 'config.yaml',
        LOG_FORMAT: 'json',
        ADMIN_TOKEN: E2E_ADMIN_TOKEN,
        PORT: String(port),
        DATABASE_URL: `file:${join(dir, 'gateway-down.db')}`,
        AIGATEWAY_URL: `http://127.0.0.1:${gatewayPort}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    try {
      const deadline = Date.now() + 60_000;
      let warning: Record<string, unknown> | undefined;
      while (!warning && Date.now() < deadline) {
        warning = output
          .split('\n')
          .filter((line) => line.startsWith('{'))
          .map((line) => JSON.parse(line) as Record<string, unknown>)
          .find(
            (entry) =>
              entry.message === 'gateway not reachable at start-up; grants wait until it answers',
          );
        if (!warning) await new Promise((r) => setTimeout(r, 100));
      }
      expect(warning, output).toMatchObject({
        level: 'warn',
        gateway_url: `http://127.0.0.1:${gatewayPort}`,
      });
      expect(String(warning!.error)).toContain('ECONNREFUSED');
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { errors: { gateway: string } };
      expect(body.errors.gateway).toMatch(
        new RegExp(
          `^gateway ping at http://127\\.0\\.0\\.1:${gatewayPort}/v1/chat/completions/quota failed after 1 attempt: cannot connect to the gateway \\(ECONNREFUSED\\)$`,
        ),
      );
    } finally {
      child.kill('SIGKILL');
    }
  });
});
