// SQLite statement times reach the loop-stall monitor by phase, and a statement that held the
// event loop for 100 ms or more is logged with its phase and SQL.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LoopStallMonitor } from '../../../src/metrics/loop-stalls.ts';
import { createMetrics } from '../../../src/metrics/metrics.ts';
import { sqliteStatementSink } from '../../../src/metrics/sqlite-statements.ts';

describe('sqliteStatementSink', () => {
  it('charges statements to the phase and logs the slow ones, once a monitor is attached', async () => {
    const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
    const logger = {
      info: () => undefined,
      debug: () => undefined,
      error: () => undefined,
      warn: (message: string, fields?: Record<string, unknown>) =>
        void warnings.push({ message, fields }),
    };
    const sink = sqliteStatementSink(logger);
    sink.timer(500, 'PRAGMA journal_mode = WAL'); // before the metrics exist: not counted
    const registry = new Registry();
    const monitor = new LoopStallMonitor({ registry, prefix: 'qm_' });
    sink.attach(monitor);
    monitor.enter('claim');
    sink.timer(3, 'INSERT INTO quota_execute ...');
    sink.timer(180, 'INSERT INTO quota_execute (strategy_id) SELECT ...');
    expect(warnings).toEqual([
      {
        message: 'slow SQLite statement held the event loop',
        fields: {
          ms: 180,
          phase: 'claim',
          sql: 'INSERT INTO quota_execute (strategy_id) SELECT ...',
        },
      },
    ]);
    const metric = await registry.getSingleMetric('qm_sqlite_statement_seconds')!.get();
    const count = metric.values.find(
      (v) =>
        (v as { metricName?: string }).metricName === 'qm_sqlite_statement_seconds_count' &&
        v.labels.phase === 'claim',
    );
    expect(count?.value).toBe(2);
  });

  it('passes lock waits to the busy-wait counters once attached', async () => {
    const quiet = {
      info: () => undefined,
      debug: () => undefined,
      error: () => undefined,
      warn: () => undefined,
    };
    const sink = sqliteStatementSink(quiet);
    sink.busyWait(50); // before the metrics exist: not counted
    const metrics = createMetrics({ processMetrics: false });
    sink.attach(metrics.loopStalls, (ms) => metrics.sqliteBusyWait(ms));
    sink.busyWait(5);
    sink.busyWait(10);
    const { body } = await metrics.render();
    expect(body).toContain('quota_manager_sqlite_busy_waits_total 2');
    expect(body).toContain('quota_manager_sqlite_busy_wait_seconds_total 0.015');
  });
});
