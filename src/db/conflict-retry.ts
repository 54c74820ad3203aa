// Re-runs a PostgreSQL or MariaDB statement the server rolled back to break a deadlock.
//
// Two writers that take row locks in opposite orders deadlock, and the server ends one of them
// with an error: MySQL/MariaDB 1213 (ER_LOCK_DEADLOCK), PostgreSQL 40P01 (deadlock_detected) or
// 40001 (serialization_failure). The scanner's compare-and-set statements read the strategy and
// its lease while updating ledger rows; an operator's DELETE of the strategy locks the lease and
// then the strategy. Under load that is a deadlock, and the scan run died with a 500.
//
// Why re-running is safe: only statements sent on the connection itself are retried, i.e. in
// autocommit mode, where the statement is its own transaction and the server undid all of it.
// The statement is then sent again unchanged; every compare-and-set re-reads what it compares,
// so a retry after the other writer committed sees that writer's result (a deleted strategy
// marks nothing). Statements inside an interactive transaction are not retried one by one: the
// server has rolled back the whole transaction, and only its author can run it again — a store
// whose transaction is safe to repeat from the start wraps it in retryConflicts itself; any other
// reports the conflict to its caller (prisma-errors.ts: 503, try again).
import type { ConnectionFactory, Query } from './adapter-connection.ts';

/**
 * Codes of a statement or transaction chosen as a deadlock or serialization victim: the
 * drivers' (MySQL/MariaDB, PostgreSQL) and Prisma's own for a transaction (P2034).
 */
const CONFLICT_CODES = new Set(['1213', '40P01', '40001', 'P2034']);

/** How many times a rolled-back statement is sent again before its error is let through. */
export const CONFLICT_RETRIES = 5;

export interface ConflictRetryOptions {
  /** Hears each retry (the driver code): a metric or a log line. Must not throw. */
  onRetry?: (code: string) => void;
  /** Injected for tests; default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Injected for tests; default Math.random. */
  random?: () => number;
}

/** The driver's code of a deadlock or serialization failure, or undefined for anything else. */
export function conflictCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, cause, meta } = error as { code?: unknown; cause?: unknown; meta?: unknown };
  const original =
    typeof cause === 'object' && cause !== null
      ? (cause as { originalCode?: unknown }).originalCode
      : undefined;
  // A raw statement inside a transaction fails as P2010 with the driver's code in meta.code.
  const raw =
    typeof meta === 'object' && meta !== null ? (meta as { code?: unknown }).code : undefined;
  return [original, raw, code].find(
    (c): c is string => typeof c === 'string' && CONFLICT_CODES.has(c),
  );
}

/**
 * Runs `attempt`, and again after a randomised pause (up to 10, 20, 40… ms, so two victims do
 * not collide again in step) while it fails as a deadlock victim, at most CONFLICT_RETRIES
 * times; then the last error goes through.
 */
export async function retryConflicts<T>(
  attempt: () => Promise<T>,
  options: ConflictRetryOptions = {},
): Promise<T> {
  const sleep = options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = options.random ?? Math.random;
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      const code = conflictCode(error);
      if (code === undefined || retry >= CONFLICT_RETRIES) throw error;
      options.onRetry?.(code);
      await sleep(Math.ceil(random() * 10 * 2 ** retry));
    }
  }
}

/** Wraps the adapter factory so that autocommit statements are re-run as described above. */
export function retryConflictingStatements<F extends ConnectionFactory>(
  factory: F,
  options: ConflictRetryOptions = {},
): F {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const connection = await connect();
    const retried =
      <T>(call: (q: Query) => Promise<T>) =>
      (q: Query): Promise<T> =>
        retryConflicts(() => call(q), options);
    connection.queryRaw = retried(connection.queryRaw.bind(connection));
    connection.executeRaw = retried(connection.executeRaw.bind(connection));
    return connection;
  };
  return factory;
}
