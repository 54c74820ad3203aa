// A gateway outage: every call fails for a while (503, then 429 with Retry-After), then the
// gateway recovers. Grants complete exactly once after recovery; retries are bounded, spaced
// by backoff, and visible in the logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/gateway/index.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import {
  createDatabaseUrl,
  DATABASE_KINDS,
  type DisposableDatabaseUrl,
} from '../support/databases.ts';
import {
  mockState,
  scan,
  seedUsersAndStrategy,
  setFaults,
  sleep,
} from '../support/fault-helpers.ts';
import { startDaemon, startMockGatewayProcess, type RunningProcess } from '../support/processes.ts';

describe.each(DATABASE_KINDS)('gateway outage on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    // Four failing scans of 3 requests each fit in the ledger's budget.
    h = await createHarness(kind, { gatewayMaxAttempts: 3, ledgerMaxAttempts: 20 });
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('grants exactly once after recovery, with bounded, logged retries', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `outage-${i}`);
    await h.call(
      'POST',
      '/api/v1/users/bulk',
      ids.map((id) => ({ id, org: 'outage' })),
    );
    const strategy = (
      await h.call('POST', '/api/v1/strategies', {
        name: 'outage',
        title: 'o',
        type: 'single',
        enabled: true,
        amount: 2,
        condition: 'belong-to("outage")',
      })
    ).body;

    h.mock.setFaults({ failure_rate: 1, status: 503 });
    const during = [];
    for (let tick = 0; tick < 3; tick++)
      during.push((await h.call('POST', '/api/v1/strategies/scan')).body);
    h.mock.setFaults({ failure_rate: 1, status: 429, retry_after_s: 0 });
    during.push((await h.call('POST', '/api/v1/strategies/scan')).body);
    expect(during.every((summary) => summary.granted === 0)).toBe(true);
    expect(h.mock.state().deltas).toBe(0);

    const retries = h.logger.lines.filter((l) => l.message === 'gateway request failed, retrying');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.some((l) => l.fields?.status === 503)).toBe(true);
    expect(retries.some((l) => l.fields?.status === 429)).toBe(true);
    const rows = (await h.call('GET', `/api/v1/strategies/${strategy.id}/executions?limit=100`))
      .body.items as { status: string; attempts: number }[];
    // Each row counts every request made: 4 scans × 3 attempts within each call.
    expect(rows.every((r) => r.status === 'failed' && r.attempts === 12)).toBe(true);

    h.mock.setFaults({ failure_rate: 0 });
    const recovered = (await h.call('POST', '/api/v1/strategies/scan')).body;
    expect(recovered.granted).toBeGreaterThanOrEqual(20);
    await h.call('POST', '/api/v1/strategies/scan');
    expect(h.mock.state().deltas).toBe(20);
    for (const id of ids) expect(h.mock.state().quotas[id]).toBe(2);
  });

  it('with a circuit breaker, an outage claims less than a page and sends nothing more until a probe succeeds', async () => {
    let now = 5_000_000;
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 30_000, now: () => now });
    const b = await createHarness(kind, { gatewayMaxAttempts: 2, pageSize: 50, breaker });
    try {
      const ids = Array.from({ length: 300 }, (_, i) => `breaker-${String(i).padStart(3, '0')}`);
      await b.call(
        'POST',
        '/api/v1/users/bulk',
        ids.map((id) => ({ id, org: 'breaker' })),
      );
      const strategy = (
        await b.call('POST', '/api/v1/strategies', {
          name: 'breaker',
          title: 'b',
          type: 'single',
          enabled: true,
          amount: 1,
          condition: 'belong-to("breaker")',
        })
      ).body;
      const ledger = async () => {
        const rows = (await b.call('GET', `/api/v1/strategies/${strategy.id}/executions?limit=500`))
          .body.items as { status: string; attempts: number }[];
        return rows;
      };

      b.mock.setFaults({ failure_rate: 1, status: 503 });
      const first = (await b.call('POST', '/api/v1/strategies/scan')).body;
      expect(breaker.state).toBe('open');
      const afterFirst = await ledger();
      // Three failures open it; the calls already in flight (concurrency 8) end as failed, and
      // the rest of the claimed page was released, not left pending and not marked failed.
      expect(afterFirst.length).toBeGreaterThanOrEqual(3);
      expect(afterFirst.length).toBeLessThanOrEqual(3 + 8);
      // Two requests each (gatewayMaxAttempts: 2), as their last_error says.
      expect(afterFirst.every((row) => row.status === 'failed' && row.attempts === 2)).toBe(true);
      expect(first.granted).toBe(0);
      expect(
        b.logger.lines.some(
          (l) =>
            l.level === 'warn' &&
            l.message.startsWith('gateway unavailable (circuit breaker open)'),
        ),
      ).toBe(true);

      // While open, ticks neither claim nor re-send anything.
      await b.call('POST', '/api/v1/strategies/scan');
      expect(await ledger()).toEqual(afterFirst);
      expect(b.mock.state().deltas).toBe(0);

      b.mock.setFaults({ failure_rate: 0 });
      now += 30_000;
      await b.call('POST', '/api/v1/strategies/scan');
      await b.call('POST', '/api/v1/strategies/scan');
      expect(breaker.state).toBe('closed');
      const final = await ledger();
      expect(final).toHaveLength(300);
      expect(final.every((row) => row.status === 'applied')).toBe(true);
      expect(b.mock.state().deltas).toBe(300);
      for (const id of ids) expect(b.mock.state().quotas[id]).toBe(1);
    } finally {
      await b.destroy();
    }
  });
});

describe('the circuit breaker in the daemon process', () => {
  let database: DisposableDatabaseUrl;
  let mock: RunningProcess;
  let daemon: RunningProcess | undefined;
  beforeAll(async () => {
    database = await createDatabaseUrl('sqlite');
    mock = await startMockGatewayProcess();
  });
  afterAll(async () => {
    await daemon?.stop('SIGKILL');
    await mock?.stop();
    await database?.drop();
  });

  it('opens on an outage (logged, and 1 in /metrics), then closes when the gateway is back', async () => {
    daemon = await startDaemon(database.url, mock.url, {
      AIGATEWAY_BREAKER_FAILURES: '2',
      AIGATEWAY_BREAKER_COOLDOWN_MS: '1500',
      AIGATEWAY_MAX_ATTEMPTS: '2',
      AIGATEWAY_RETRY_BASE_DELAY_MS: '10',
      AIGATEWAY_RETRY_MAX_DELAY_MS: '20',
    });
    const { userIds } = await seedUsersAndStrategy(daemon, 'breaker-process', 200);
    const circuitOpen = async () => {
      const text = await (await fetch(`${daemon!.url}/metrics`)).text();
      return /^quota_manager_gateway_circuit_open (\d)$/m.exec(text)?.[1];
    };
    expect(await circuitOpen()).toBe('0');
    await setFaults(mock, { failure_rate: 1, status: 503 });
    expect((await scan(daemon)).status).toBe(200);
    expect(await circuitOpen()).toBe('1');
    expect(daemon.output()).toContain('gateway circuit breaker open: grants paused');

    await setFaults(mock, { failure_rate: 0 });
    await sleep(1600);
    for (let round = 0; round < 3; round++) expect((await scan(daemon)).status).toBe(200);
    expect(await circuitOpen()).toBe('0');
    expect(daemon.output()).toContain('gateway circuit breaker closed: grants resume');
    const state = await mockState(mock);
    expect(userIds.filter((id) => state.quotas[id] !== 1)).toEqual([]);
    expect(state.deltas).toBe(200);
  });
});
