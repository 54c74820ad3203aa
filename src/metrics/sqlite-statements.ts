// Where the daemon's SQLite statement times go (db/timed-sqlite.ts reports them): to the
// loop-stall monitor, by scan phase, and to the log when one held the event loop long enough
// to be felt by every API request. The database opens before the metrics exist, so the
// monitor is attached afterwards; statements before that (migrations, start-up) are not counted.
import type { CoreLogger } from '../core/ports/runtime-services.ts';
import type { StatementTimer } from '../db/timed-sqlite.ts';
import type { LoopStallMonitor } from './loop-stalls.ts';

/** A statement this long delays every API request by as much: worth a log line. */
export const SLOW_SQLITE_STATEMENT_MS = 100;

export function sqliteStatementSink(logger: CoreLogger): {
  timer: StatementTimer;
  /** Hears each asynchronous wait for another connection's lock (db/sqlite-busy-retry.ts). */
  busyWait: (ms: number) => void;
  attach(monitor: LoopStallMonitor, busyWaits?: (ms: number) => void): void;
} {
  let stalls: LoopStallMonitor | undefined;
  let waits: ((ms: number) => void) | undefined;
  return {
    timer(ms, sql) {
      if (!stalls) return;
      stalls.section(ms);
      if (ms >= SLOW_SQLITE_STATEMENT_MS)
        logger.warn('slow SQLite statement held the event loop', {
          ms: Math.round(ms),
          phase: stalls.currentStatementPhase(),
          sql: sql.slice(0, 300),
        });
    },
    busyWait: (ms) => waits?.(ms),
    attach(monitor, busyWaits) {
      stalls = monitor;
      waits = busyWaits;
    },
  };
}
