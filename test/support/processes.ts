// Real child processes for end-to-end tests: the daemon and the standalone mock gateway, each
// on a free loopback port, with their output captured for assertions.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './pg-cluster.ts';

export interface RunningProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process wrote so far (stdout + stderr). */
  output(): string;
  /** Sends `signal` and resolves with the exit code (null if killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

function start(
  script: string,
  env: Record<string, string>,
  port: number,
  readyPath: string,
  anyAnswer = false,
): Promise<RunningProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env, NODE_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  let stopRequested = false;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      // A process that fails by itself (a crash, an unhandled rejection) says why in the test's
      // own output: CI keeps that, and a failing fetch to a dead port says nothing.
      if (!stopRequested && code !== null && code !== 0)
        process.stderr.write(
          `${script} exited with code ${code}; its last output:\n${output.slice(-4000)}\n`,
        );
      resolve(code);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const handle: RunningProcess = {
    url,
    child,
    output: () => output,
    exited,
    async stop(signal = 'SIGTERM') {
      stopRequested = true;
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  return waitForHttp(`${url}${readyPath}`, handle, anyAnswer).then(() => handle);
}

async function waitForHttp(
  url: string,
  handle: RunningProcess,
  anyAnswer: boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitedCode: number | null | undefined;
  void handle.exited.then((code) => {
    exitedCode = code;
  });
  while (Date.now() < deadline) {
    if (exitedCode !== undefined)
      throw new Error(`process exited (${exitedCode}) before ${url} answered:\n${handle.output()}`);
    try {
      const response = await fetch(url);
      if (response.ok || anyAnswer) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await handle.stop('SIGKILL');
  throw new Error(`${url} did not answer within ${timeoutMs} ms:\n${handle.output()}`);
}

export const MOCK_KEY = 'e2e-mock-key';
export const E2E_ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

export async function startMockGatewayProcess(
  env: Record<string, string> = {},
): Promise<RunningProcess> {
  const port = await freePort();
  // Any HTTP answer (even 401 from the keyed control route) means the mock is listening.
  return start(
    'mock-gateway/main.ts',
    { MOCK_GATEWAY_PORT: String(port), MOCK_GATEWAY_AUTH_VALUE: MOCK_KEY, ...env },
    port,
    '/__mock/state',
    true,
  );
}

export async function startDaemon(
  databaseUrl: string,
  gatewayUrl: string,
  env: Record<string, string> = {},
): Promise<RunningProcess> {
  const port = await freePort();
  return start(
    'src/main.ts',
    {
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_TOKEN: E2E_ADMIN_TOKEN,
      AIGATEWAY_URL: gatewayUrl,
      AIGATEWAY_AUTH_VALUE: MOCK_KEY,
      LOG_FORMAT: 'json',
      QM_CONFIG: 'config.yaml',
      // config.yaml polls api.github.com every ten minutes; a test that wants the poller names
      // its own (mock) API, so no test's page depends on whether a run crossed a boundary.
      GITHUB_SYNC_CRON: 'off',
      ...env,
    },
    port,
    '/readyz',
  );
}

/** Runs a script to completion; resolves with its exit code and output. */
export function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
    });
    child.on('exit', (code) => resolve({ code, output }));
  });
}
