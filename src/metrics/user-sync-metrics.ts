// Metrics of the user sync, registered in the daemon's registry and fed by the sync's observer
// port: runs by outcome, rows by what became of them, and when a run last succeeded (alert on
// `time() - quota_manager_user_sync_last_success_timestamp_seconds` growing).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { UserSyncRun } from '../core/model/user-sync.ts';
import type { UserSyncObserver } from '../core/ports/user-source.ts';

const PREFIX = 'quota_manager_user_sync_';

export function userSyncMetrics(registry: Registry): UserSyncObserver {
  const registers = [registry];
  const runs = new Counter({
    name: `${PREFIX}runs_total`,
    help: 'User sync runs, by kind (full, incremental) and outcome (ok, deletes_refused, error)',
    labelNames: ['kind', 'outcome'],
    registers,
  });
  const rows = new Counter({
    name: `${PREFIX}rows_total`,
    help: 'Source rows and users by what the sync did with them (read, upserted, rejected, deleted)',
    labelNames: ['result'],
    registers,
  });
  const duration = new Histogram({
    name: `${PREFIX}duration_seconds`,
    help: 'How long a user sync run took',
    labelNames: ['kind'],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers,
  });
  const lastSuccess = new Gauge({
    name: `${PREFIX}last_success_timestamp_seconds`,
    help: 'When a user sync run last ended without an error (Unix time)',
    registers,
  });
  return {
    runFinished(run: UserSyncRun) {
      const kind = run.full ? 'full' : 'incremental';
      const outcome =
        run.error !== null ? 'error' : run.deletesRefused !== null ? 'deletes_refused' : 'ok';
      runs.inc({ kind, outcome });
      const rejected = Object.values(run.rejected).reduce((sum, n) => sum + n, 0);
      rows.inc({ result: 'read' }, run.rowsRead);
      rows.inc({ result: 'upserted' }, run.upserted);
      rows.inc({ result: 'rejected' }, rejected);
      rows.inc({ result: 'deleted' }, run.deleted);
      const end = (run.finishedAt ?? run.startedAt).getTime();
      duration.observe({ kind }, (end - run.startedAt.getTime()) / 1000);
      if (run.error === null) lastSuccess.set(end / 1000);
    },
  };
}
