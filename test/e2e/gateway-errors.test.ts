// What a failed grant tells the operator, through the daemon as a real process and a gateway
// that answers every delta with 503 and echoes the admin key it received (issue 12 K and 6):
// the key never reaches the ledger, the API or the log; the error names the gateway URL; and
// the row's `attempts` is the number of requests actually made.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiHeaders, seedUsersAndStrategy } from '../support/fault-helpers.ts';
import { MOCK_KEY, startDaemon, type RunningProcess } from '../support/processes.ts';

const ADMIN_PATH = '/v1/chat/completions/quota';

describe('a gateway that fails and echoes its admin key', { timeout: 120_000 }, () => {
  let dir: string;
  let echo: Server;
  let echoUrl: string;
  let deltas = 0;
  let daemon: RunningProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qm-gw-errors-'));
    echo = createServer((req, res) => {
      req.resume();
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET') {
        res.end(JSON.stringify({ code: 200, success: true, message: 'ok', data: { quota: 0 } }));
        return;
      }
      deltas++;
      const key = String(req.headers['x-admin-key']);
      res.statusCode = 503;
      res.end(
        JSON.stringify({ code: 503, success: false, message: `overloaded (caller key ${key})` }),
      );
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoUrl = `http://127.0.0.1:${(echo.address() as { port: number }).port}`;
    daemon = await startDaemon(`file:${join(dir, 'qm.db')}`, echoUrl, {
      AIGATEWAY_MAX_ATTEMPTS: '3',
      AIGATEWAY_RETRY_BASE_DELAY_MS: '1',
      AIGATEWAY_RETRY_MAX_DELAY_MS: '5',
      AIGATEWAY_BREAKER_FAILURES: '0',
    });
  });
  afterAll(async () => {
    await daemon?.stop('SIGKILL');
    echo?.closeAllConnections();
    await new Promise((resolve) => echo?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a redacted error naming the gateway URL, with the attempts really made', async () => {
    const { strategyId } = await seedUsersAndStrategy(daemon, 'echo-key', 2);
    const run = await fetch(`${daemon.url}/api/v1/strategies/${strategyId}/run`, {
      method: 'POST',
      headers: apiHeaders,
      body: '{}',
    });
    expect(run.status).toBe(200);
    const runText = await run.text();
    expect(runText).not.toContain(MOCK_KEY);
    expect(deltas).toBe(6); // two grants, three attempts each

    const executions = await fetch(
      `${daemon.url}/api/v1/strategies/${strategyId}/executions?limit=10`,
      { headers: apiHeaders },
    );
    const text = await executions.text();
    expect(text).not.toContain(MOCK_KEY);
    const rows = (
      JSON.parse(text) as { items: { status: string; attempts: number; last_error: string }[] }
    ).items;
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.status).toBe('failed');
      expect(row.attempts).toBe(3);
      expect(row.last_error).toBe(
        `gateway delta_quota at ${echoUrl}${ADMIN_PATH} failed after 3 attempts: gateway answered HTTP 503: overloaded (caller key [REDACTED])`,
      );
    }
    expect(daemon.output()).not.toContain(MOCK_KEY);
  });
});
