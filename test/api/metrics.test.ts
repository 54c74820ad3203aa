// GET /metrics on real SQLite and PostgreSQL: what a scan, a run and gateway failures add up
// to, the ledger gauges read at scrape time, the optional token, per-app registries; and the
// access log with its request id on every response, errors included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAiGatewayClient } from '../../src/gateway/index.ts';
import { instrumentGateway } from '../../src/metrics/instrumented-gateway.ts';
import { SCAN_PHASES } from '../../src/metrics/loop-stalls.ts';
import { createMetrics } from '../../src/metrics/metrics.ts';
import { freePort } from '../support/pg-cluster.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { CapturingLogger, createHarness, type Harness } from '../support/app-harness.ts';
import { unique } from '../support/unique-name.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (the subset prom-client writes). */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`unparseable metrics line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** Sum of the samples named `name` whose labels include `labels` (0 when there are none). */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

describe.each(DATABASE_KINDS)('GET /metrics on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => {
    await h.destroy();
  });

  async function scrape(): Promise<Sample[]> {
    const response = await h.app.request('/metrics');
    expect(response.status).toBe(200);
    return parseMetrics(await response.text());
  }

  async function strategyForNewUsers(count: number, amount = 1.5) {
    const org = unique('org');
    const users = Array.from({ length: count }, (_, i) => ({ id: `${org}-u${i}`, org }));
    expect((await h.call('POST', '/api/v1/users/bulk', users)).status).toBe(200);
    const created = await h.call('POST', '/api/v1/strategies', {
      name: unique('m'),
      title: 'metrics',
      type: 'single',
      enabled: true,
      amount,
      condition: `belong-to("${org}")`,
    });
    expect(created.status).toBe(201);
    return created.body as { id: number };
  }

  it('serves the Prometheus text format without a token, process metrics included', async () => {
    const response = await h.call('GET', '/metrics', undefined, { token: null });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseMetrics(response.body as string);
    expect(valueOf(samples, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(samples.some((s) => s.name === 'nodejs_heap_size_used_bytes')).toBe(true);
    expect(response.body).toContain(
      '# TYPE quota_manager_gateway_request_duration_seconds histogram',
    );
    expect(response.body).toContain('# TYPE quota_manager_scan_duration_seconds histogram');
  });

  it('counts a scan, users matched, applied grants, gateway calls and the last successful run', async () => {
    const before = await scrape();
    const strategy = await strategyForNewUsers(3);
    h.clock.set('2026-02-01T12:00:00Z');
    const scan = await h.call('POST', '/api/v1/strategies/scan');
    expect(scan.status).toBe(200);
    expect(scan.body.failed).toBe(0);
    const after = await scrape();

    const delta = (name: string, labels: Record<string, string> = {}) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(delta('quota_manager_scans_total', { outcome: 'ok' })).toBe(1);
    expect(delta('quota_manager_scan_duration_seconds_count', { outcome: 'ok' })).toBe(1);
    expect(delta('quota_manager_users_matched_total')).toBe(3);
    expect(delta('quota_manager_grants_total', { status: 'applied' })).toBe(3);
    expect(
      delta('quota_manager_gateway_request_duration_seconds_count', {
        operation: 'delta_quota',
        outcome: 'success',
        status: '2xx',
      }),
    ).toBe(3);
    expect(
      valueOf(after, 'quota_manager_strategy_last_success_timestamp_seconds', {
        strategy_id: String(strategy.id),
      }),
    ).toBe(Date.parse('2026-02-01T12:00:00Z') / 1000);
    // Histogram buckets are cumulative: +Inf holds every observation.
    expect(
      delta('quota_manager_gateway_request_duration_seconds_bucket', {
        operation: 'delta_quota',
        outcome: 'success',
        le: '+Inf',
      }),
    ).toBe(3);
  });

  it('charges event-loop delay to scan phases and shows it after a scan', async () => {
    await strategyForNewUsers(300);
    h.metrics.loopStalls.start();
    try {
      const scan = await h.call('POST', '/api/v1/strategies/scan');
      expect(scan.status).toBe(200);
      expect(scan.body.granted).toBeGreaterThanOrEqual(300);
    } finally {
      h.metrics.loopStalls.stop();
    }
    const after = await scrape();
    const count = (phase: string) =>
      valueOf(after, 'quota_manager_event_loop_delay_seconds_count', { phase });
    // 300 grants over HTTP take far longer than the 5 ms timer period: the timer ticked while
    // the scan ran, and each tick went to a phase of the scan.
    const scanPhases = ['candidates', 'claim', 'delivery', 'outcome_write', 'strategy_check'];
    expect(scanPhases.map(count).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    // The scan finished: the phase is `idle` again.
    expect(h.metrics.loopStalls.current()).toBe('idle');
    const phases = new Set(
      after
        .filter((x) => x.name === 'quota_manager_event_loop_delay_seconds_count')
        .map((x) => x.labels.phase),
    );
    for (const phase of phases) expect(SCAN_PHASES).toContain(phase);
  });

  it('keeps a last-success series for each enabled strategy and none for disabled or deleted ones', async () => {
    const series = async (id: number) =>
      (await scrape()).filter(
        (s) =>
          s.name === 'quota_manager_strategy_last_success_timestamp_seconds' &&
          s.labels.strategy_id === String(id),
      );
    h.clock.set('2026-03-01T00:00:00Z');
    const strategy = await strategyForNewUsers(1);
    // Not run yet: the later of the harness start and the strategy's creation.
    expect((await series(strategy.id)).map((s) => s.value)).toEqual([
      Date.parse('2026-03-01T00:00:00Z') / 1000,
    ]);

    h.clock.set('2026-03-01T00:05:00Z');
    expect((await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).status).toBe(200);
    expect((await series(strategy.id)).map((s) => s.value)).toEqual([
      Date.parse('2026-03-01T00:05:00Z') / 1000,
    ]);

    await h.call('POST', `/api/v1/strategies/${strategy.id}/disable`);
    expect(await series(strategy.id)).toEqual([]);
    await h.call('POST', `/api/v1/strategies/${strategy.id}/enable`);
    expect((await series(strategy.id)).map((s) => s.value)).toEqual([
      Date.parse('2026-03-01T00:05:00Z') / 1000,
    ]);
    expect((await h.call('DELETE', `/api/v1/strategies/${strategy.id}`)).status).toBe(204);
    expect(await series(strategy.id)).toEqual([]);
  });

  it('shows gateway failures by reason and status, and the ledger backlog read from the database', async () => {
    const strategy = await strategyForNewUsers(2);
    h.mock.setFaults({ failure_rate: 1, status: 503 });
    try {
      const run = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
      expect(run.body).toMatchObject({ granted: 0, failed: 2 });
    } finally {
      h.mock.setFaults({ failure_rate: 0 });
    }
    const samples = await scrape();
    expect(
      valueOf(samples, 'quota_manager_grants_total', { status: 'failed' }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      valueOf(samples, 'quota_manager_gateway_request_duration_seconds_count', {
        operation: 'delta_quota',
        outcome: 'http_status',
        status: '503',
      }),
    ).toBeGreaterThanOrEqual(2);
    const failedRows = await h.database.db.quotaExecute.count({ where: { status: 'failed' } });
    expect(failedRows).toBeGreaterThanOrEqual(2);
    expect(valueOf(samples, 'quota_manager_ledger_rows', { status: 'failed' })).toBe(failedRows);
    expect(valueOf(samples, 'quota_manager_ledger_rows', { status: 'pending' })).toBe(0);
    expect(valueOf(samples, 'quota_manager_ledger_rows', { status: 'sending' })).toBe(0);
    expect(
      samples.some((s) => s.name === 'quota_manager_ledger_rows' && s.labels.status === 'unknown'),
    ).toBe(true);
    expect(
      samples.some((s) => s.name === 'quota_manager_ledger_rows' && s.labels.status === 'applied'),
    ).toBe(false);

    // The retry by the next run clears the backlog, and the gauge follows at the next scrape.
    const retry = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(retry.body).toMatchObject({ granted: 2, failed: 0 });
    const later = await scrape();
    expect(valueOf(later, 'quota_manager_ledger_rows', { status: 'failed' })).toBe(
      await h.database.db.quotaExecute.count({ where: { status: 'failed' } }),
    );
  });

  it('requires the metrics token when one is configured, and keeps a registry per app', async () => {
    const guarded = await createHarness(kind, { metricsToken: 'scrape-secret-123' });
    try {
      for (const token of [null, 'wrong', 'test-admin-token-0123456789']) {
        const denied = await guarded.call('GET', '/metrics', undefined, { token });
        expect(denied.status).toBe(401);
        expect(denied.headers.get('content-type')).toContain('application/problem+json');
        expect(denied.headers.get('www-authenticate')).toBe('Bearer');
        expect(denied.body).toMatchObject({ code: 'unauthorized', status: 401 });
      }
      const allowed = await guarded.call('GET', '/metrics', undefined, {
        token: 'scrape-secret-123',
      });
      expect(allowed.status).toBe(200);
      // This app has run nothing: the first harness's grants are not in its registry.
      const samples = parseMetrics(allowed.body as string);
      expect(valueOf(samples, 'quota_manager_grants_total', { status: 'applied' })).toBe(0);
      expect(
        valueOf(await scrape(), 'quota_manager_grants_total', { status: 'applied' }),
      ).toBeGreaterThan(0);
    } finally {
      await guarded.destroy();
    }
  });
});

describe('the metrics module', () => {
  it('counts a scan that could not run as outcome="error"', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.scanObserver.scanFailed(1500);
    metrics.scanObserver.scanFinished({
      strategies: 2,
      matched: 5,
      granted: 4,
      skipped: 0,
      failed: 1,
      durationMs: 250,
    });
    const samples = parseMetrics((await metrics.render()).body);
    expect(valueOf(samples, 'quota_manager_scans_total', { outcome: 'error' })).toBe(1);
    expect(valueOf(samples, 'quota_manager_scans_total', { outcome: 'with_failures' })).toBe(1);
    expect(valueOf(samples, 'quota_manager_scan_duration_seconds_sum', { outcome: 'error' })).toBe(
      1.5,
    );
    expect(
      valueOf(samples, 'quota_manager_scan_duration_seconds_bucket', {
        outcome: 'with_failures',
        le: '0.5',
      }),
    ).toBe(1);
    expect(samples.some((s) => s.name.startsWith('process_'))).toBe(false);
  });

  it('serves the other metrics when the ledger query fails, and logs why', async () => {
    const logger = new CapturingLogger();
    const metrics = createMetrics({
      processMetrics: false,
      logger,
      ledgerBacklog: () => Promise.reject(new Error('database is locked')),
    });
    metrics.scanObserver.grantsRecorded([
      { id: 1, status: 'applied', lastError: null },
      { id: 2, status: 'unknown', lastError: 'x' },
    ]);
    const samples = parseMetrics((await metrics.render()).body);
    expect(samples.filter((s) => s.name === 'quota_manager_ledger_rows')).toEqual([]);
    expect(valueOf(samples, 'quota_manager_grants_total', { status: 'applied' })).toBe(1);
    expect(valueOf(samples, 'quota_manager_grants_total', { status: 'unknown' })).toBe(1);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'ledger metrics unavailable',
        fields: { error: 'database is locked' },
      }),
    );
  });

  it('times gateway calls that get no answer as outcome=connect_failed, status=none', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const port = await freePort(); // nothing listens there
    const gateway = instrumentGateway(
      createAiGatewayClient({
        baseUrl: `http://127.0.0.1:${port}`,
        adminPath: '/v1/chat/completions/quota',
        authHeader: 'x-admin-key',
        authValue: 'k',
        timeoutMs: 1000,
        maxAttempts: 1,
        retryBaseDelayMs: 1,
        retryMaxDelayMs: 1,
        concurrency: 1,
        logger: new CapturingLogger(),
      }),
      metrics.gatewayRequestDuration,
    );
    await expect(gateway.getQuota('u1')).rejects.toMatchObject({ reason: 'connect_failed' });
    const samples = parseMetrics((await metrics.render()).body);
    expect(
      valueOf(samples, 'quota_manager_gateway_request_duration_seconds_count', {
        operation: 'get_quota',
        outcome: 'connect_failed',
        status: 'none',
      }),
    ).toBe(1);
  });
});

describe.each(DATABASE_KINDS)('access log and X-Request-Id on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { pageSize: 5 });
  });
  afterAll(async () => {
    await h.destroy();
  });

  const accessLines = (requestId: string) =>
    h.logger.lines.filter(
      (l) => l.message === 'http request' && l.fields?.request_id === requestId,
    );

  it.each([
    ['a success', 'GET', '/api/v1/strategies', undefined, {}, 200],
    ['an open route', 'GET', '/healthz', undefined, { token: null }, 200],
    ['a missing token', 'GET', '/api/v1/strategies', undefined, { token: null }, 401],
    ['an unknown route', 'GET', '/api/v1/nothing-here', undefined, {}, 404],
    ['an unknown id', 'GET', '/api/v1/strategies/999999', undefined, {}, 404],
    ['an invalid body', 'POST', '/api/v1/strategies', { name: '' }, {}, 400],
    [
      'a non-JSON body',
      'POST',
      '/api/v1/strategies',
      'name=x',
      { headers: { 'content-type': 'text/plain' } },
      415,
    ],
    [
      'a body over the limit',
      'POST',
      '/api/v1/users/bulk',
      `[${'"x",'.repeat(70_000)}"x"]`,
      {},
      413,
    ],
  ] as const)(
    '%s answers with an X-Request-Id that the one access-log line and the problem share',
    async (_label, method, path, body, options, status) => {
      const response = await h.call(method, path, body, options);
      expect(response.status).toBe(status);
      const requestId = response.headers.get('x-request-id');
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      if (status >= 400) expect(response.body.request_id).toBe(requestId);
      const lines = accessLines(requestId!);
      expect(lines).toHaveLength(1);
      expect(lines[0]!.fields).toMatchObject({ method, path, status });
      expect(lines[0]!.fields!.duration_ms).toBeTypeOf('number');
    },
  );

  it('keeps a request id the caller sent', async () => {
    const response = await h.call('GET', '/api/v1/strategies/424242', undefined, {
      headers: { 'x-request-id': 'trace-abc-123' },
    });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toBe('trace-abc-123');
    expect(response.body.request_id).toBe('trace-abc-123');
    expect(accessLines('trace-abc-123')).toHaveLength(1);
  });

  it('answers an internal error with a request id too, the cause only in the log (last: breaks the schema)', async () => {
    // This file's own database: a missing table makes the next query fail unexpectedly.
    await h.database.db.$executeRawUnsafe(
      'ALTER TABLE quota_strategy RENAME TO quota_strategy_gone',
    );
    const response = await h.call('GET', '/api/v1/strategies');
    expect(response.status).toBe(500);
    expect(response.body).toMatchObject({
      code: 'internal',
      detail: 'An internal error occurred; the request id is in the log',
    });
    expect(JSON.stringify(response.body)).not.toContain('quota_strategy');
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const requestId = response.headers.get('x-request-id')!;
    expect(response.body.request_id).toBe(requestId);
    expect(accessLines(requestId)).toHaveLength(1);
    expect(accessLines(requestId)[0]!.fields).toMatchObject({ status: 500 });
    expect(h.logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'unhandled error',
        fields: expect.objectContaining({ request_id: requestId }),
      }),
    );
  });
});
