// The user sync's metrics, fed by its observer port: runs by kind and outcome, rows by result,
// and the last success time (which an alert watches).
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import type { UserSyncRun } from '../../../src/core/model/user-sync.ts';
import { userSyncMetrics } from '../../../src/metrics/user-sync-metrics.ts';

const run = (fields: Partial<UserSyncRun>): UserSyncRun => ({
  startedAt: new Date('2026-06-01T00:00:00Z'),
  finishedAt: new Date('2026-06-01T00:00:02Z'),
  full: false,
  dryRun: false,
  rowsRead: 10,
  upserted: 8,
  deleted: 0,
  vanished: 0,
  vanishedIds: [],
  deletesRefused: null,
  rejected: { invalid_vip: 2 },
  rejectedIds: { invalid_vip: ['a', 'b'] },
  rejectedExamples: {},
  error: null,
  ...fields,
});

describe('userSyncMetrics', () => {
  it('counts runs by outcome and rows by result, and keeps the last success', async () => {
    const registry = new Registry();
    const observer = userSyncMetrics(registry);
    observer.runFinished(run({}));
    observer.runFinished(
      run({
        full: true,
        deletesRefused: 'source_returned_no_rows',
        rowsRead: 0,
        upserted: 0,
        rejected: {},
      }),
    );
    observer.runFinished(
      run({ error: 'connection refused', finishedAt: new Date('2026-06-01T01:00:00Z') }),
    );
    const text = await registry.metrics();
    expect(text).toContain('quota_manager_user_sync_runs_total{kind="incremental",outcome="ok"} 1');
    expect(text).toContain(
      'quota_manager_user_sync_runs_total{kind="full",outcome="deletes_refused"} 1',
    );
    expect(text).toContain(
      'quota_manager_user_sync_runs_total{kind="incremental",outcome="error"} 1',
    );
    expect(text).toContain('quota_manager_user_sync_rows_total{result="rejected"} 4');
    expect(text).toContain('quota_manager_user_sync_rows_total{result="upserted"} 16');
    // The failed run at 01:00 does not move it: the last success is the second run's end.
    expect(text).toContain(
      `quota_manager_user_sync_last_success_timestamp_seconds ${Date.parse('2026-06-01T00:00:02Z') / 1000}`,
    );
  });
});
