// Waits for another connection's SQLite write lock off the event loop.
//
// better-sqlite3 is synchronous: with busy_timeout = 10 s, a statement that meets another
// process's write lock (`quota-manager users import`, an operator's sqlite3 shell) sleeps inside
// SQLite's busy handler for up to 10 s, and the whole daemon (API, /healthz, /metrics, a scan's
// gateway answers) sleeps with it. So the connection's busy_timeout is a short slice
// (SQLITE_BUSY_SLICE_MS) and this wrapper retries a statement that failed with SQLITE_BUSY after a
// setTimeout, until the same overall deadline (SQLITE_BUSY_DEADLINE_MS); then the statement
// fails with the last attempt's error, exactly what a synchronous busy_timeout would have thrown.
//
// How the error arrives (@prisma/adapter-better-sqlite3 7.10, dist/index.mjs): better-sqlite3
// throws a SqliteError whose `code` is the extended result code name (SQLITE_BUSY,
// SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_RECOVERY, …); the adapter wraps it in a DriverAdapterError
// whose `cause` is { kind: 'SocketTimeout', originalCode, originalMessage }, which Prisma turns
// into P1008 ("Operation has timed out") for model queries and P2010 (message "Raw query failed.
// Code: `SQLITE_BUSY`. Message: `database is locked`") for raw ones; prisma-errors.ts maps both
// (by code, by message) to 503 database_unavailable.
// This wrapper sits below Prisma, so it sees the DriverAdapterError and rethrows it unchanged.
//
// Which statements are retried, and why that is safe:
// - A statement that fails with SQLITE_BUSY had no effect: SQLite undoes the statement (and, in
//   autocommit mode, its implicit transaction). Retrying it later is what SQLite's own busy
//   handler does, only with the wait outside the event loop.
// - Statements on the connection itself (autocommit) are retried on any SQLITE_BUSY* code.
// - Statements in a transaction: the adapter begins transactions with a plain `BEGIN`, i.e.
//   DEFERRED (startTransaction in dist/index.mjs), which takes no lock. In WAL mode (client.ts)
//   a transaction's first statement that touches the database takes a read snapshot; once it
//   has one, a write must upgrade to the write lock, and SQLite then never calls the busy handler
//   (it fails at once with SQLITE_BUSY, or SQLITE_BUSY_SNAPSHOT once another writer has
//   committed after the snapshot: no retry of the statement can succeed then, only a new
//   transaction). So only a transaction's FIRST statement is retried: the case where a long
//   synchronous busy_timeout waited (every user write starts with the change counter,
//   change-sequence.ts; a strategy change with its INSERT/UPDATE/DELETE). Later statements fail
//   at once, as they always did.
// - While that first statement waits, the transaction is rolled back, and begun again just
//   before each attempt: an API read served during the wait would otherwise take its snapshot
//   inside the waiting transaction (one connection per process), and the write would then fail
//   with SQLITE_BUSY_SNAPSHOT once the other process commits. Rolling back loses nothing: the
//   transaction has run nothing of its own yet. Outside statements wait at the gate
//   (sqlite-transaction-gate.ts) whenever the connection is inside a transaction, so none can
//   slip in and be rolled back with it; during the wait the gate is open. If the first
//   statement gives up (deadline, or Prisma closing the transaction), the transaction stays
//   rolled back and Prisma's ROLLBACK has nothing to end.
// - Prisma's own transaction budget (maxWait 2 s to start, timeout 5 s to finish) would cut a
//   wait that a synchronous busy_timeout let run to 10 s (Prisma's timers could not fire while
//   the loop slept): sqliteTransactionOptions() adds the deadline to both.
//
// Composition: timed-sqlite.ts also wraps factory.connect. This wrapper goes outside it
// (driver.ts), so every attempt is timed on its own: the statement timer sees the short slices
// that really held the loop, not the asynchronous waits. direct-sql.ts (the scanner's per-page
// statements) wraps connect too, outside this one: it keeps the connection returned here, so
// its statements wait the same way, and at the deadline its DirectSqlError carries the code
// SQLITE_BUSY, which prisma-errors.ts also maps to 503. The WAL checkpointer
// (wal-checkpointer.ts) has its own connection on a worker thread and runs PASSIVE checkpoints,
// which never call the busy handler and never take the write lock: neither it nor this wrapper
// waits for the other. executeScript (migrations through the Prisma CLI) is not wrapped: a script
// that fails half-way is not safe to re-run, so prisma.config.ts keeps the synchronous wait.

import type { ConnectionFactory, Query, Queryable } from './adapter-connection.ts';
import { Gate } from './sqlite-transaction-gate.ts';

/** How long a statement may wait for another connection's lock in all (the former busy_timeout). */
export const SQLITE_BUSY_DEADLINE_MS = 10_000;

/**
 * The connection's busy_timeout when waits are asynchronous: each attempt holds the event loop
 * this long at most (SQLite's busy handler probes the lock at 0, 1, 3 and 5 ms within it, so a
 * short gap between another process's transactions is still caught). Every statement waiting
 * pays it once per attempt, and attempts come every 100 ms at most: four statements waiting
 * through a long lock hold the loop ~20 ms in every ~105 (20 ms slices, tried first, would hold
 * it about two thirds of the time).
 */
export const SQLITE_BUSY_SLICE_MS = 5;

const FIRST_DELAY_MS = 5;
const MAX_DELAY_MS = 100;

export interface BusyRetryOptions {
  /** Overall wait for one statement, from its first attempt; default SQLITE_BUSY_DEADLINE_MS. */
  deadlineMs?: number;
  /** Hears each asynchronous wait before a retry (ms): the retry metric. Must not throw. */
  onRetry?: (delayMs: number) => void;
  /** Injected for tests; default performance.now and setTimeout. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** SQLITE_BUSY or one of its extended codes, as better-sqlite3 or the adapter reports it. */
export function isSqliteBusy(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, cause } = error as { code?: unknown; cause?: unknown };
  const original =
    typeof cause === 'object' && cause !== null
      ? (cause as { originalCode?: unknown }).originalCode
      : undefined;
  return [code, original].some((c) => typeof c === 'string' && /^SQLITE_BUSY(_|$)/.test(c));
}

/** Prisma's defaults (2 s to start, 5 s to run) plus the time a statement may wait for a lock. */
export function sqliteTransactionOptions(deadlineMs = SQLITE_BUSY_DEADLINE_MS): {
  maxWait: number;
  timeout: number;
} {
  return { maxWait: 2_000 + deadlineMs, timeout: 5_000 + deadlineMs };
}

/**
 * Runs `attempt` until it succeeds, fails with something other than SQLITE_BUSY, `stop()` says
 * so, or the deadline has passed; then rethrows the last error. Waits between attempts with
 * setTimeout, doubling from 5 ms to 100 ms, never past the deadline.
 */
export async function retryWhileBusy<T>(
  attempt: () => Promise<T>,
  options: BusyRetryOptions = {},
  stop: () => boolean = () => false,
): Promise<T> {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + (options.deadlineMs ?? SQLITE_BUSY_DEADLINE_MS);
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    try {
      return await attempt();
    } catch (error) {
      const left = deadline - now();
      if (!isSqliteBusy(error) || left <= 0 || stop()) throw error;
      const wait = Math.min(delay, left);
      options.onRetry?.(wait);
      await sleep(wait);
      if (stop()) throw error;
    }
  }
}

/** Wraps the adapter factory so that statements wait for locks as described at the top. */
export function retryBusyStatements<F extends ConnectionFactory>(
  factory: F,
  options: BusyRetryOptions = {},
): F {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const connection = await connect();
    const gate = new Gate();
    const outside =
      <T>(call: (q: Query) => Promise<T>) =>
      (q: Query): Promise<T> =>
        retryWhileBusy(async () => {
          await gate.passed();
          return call(q);
        }, options);
    connection.queryRaw = outside(connection.queryRaw.bind(connection));
    connection.executeRaw = outside(connection.executeRaw.bind(connection));
    const start = connection.startTransaction.bind(connection);
    /** Settles when the last transaction begun has ended: transactions take turns here. */
    let lastTurn: Promise<void> = Promise.resolve();
    connection.startTransaction = async (level) => {
      // Turns are taken here rather than only at the adapter's own mutex, so that the gate is
      // closed just before BEGIN, not while this transaction waits for another to end (which
      // would stop every outside statement for as long as that one waits for a lock). And
      // closed before BEGIN, not after it: a statement that passed the gate earlier could
      // otherwise run between BEGIN and the closing, inside the transaction.
      let ended!: () => void;
      const turn = lastTurn;
      lastTurn = new Promise<void>((resolve) => (ended = resolve));
      await turn;
      const release = gate.close();
      try {
        return retryFirstStatement(await start(level), gate, { release, ended }, options);
      } catch (error) {
        release();
        ended();
        throw error;
      }
    };
    return connection;
  };
  return factory;
}

const statement = (sql: string): Query => ({ sql, args: [], argTypes: [] });

const ENDS_TRANSACTION = /^\s*(COMMIT|ROLLBACK)\s*;?\s*$/i;

/**
 * A transaction whose first statement waits for the write lock outside the transaction. It
 * keeps the gate closed while the connection is inside it (from `release`'s closing, made
 * before BEGIN, to its end), and open while its first statement waits rolled back.
 */
function retryFirstStatement<Q extends Queryable & Partial<Ending>>(
  tx: Q,
  gate: Gate,
  { release, ended }: { release: () => void; ended: () => void },
  options: BusyRetryOptions,
): Q {
  const execute = tx.executeRaw.bind(tx);
  /** The connection is inside this transaction (false while its first statement waits). */
  let open = true;
  let started = false;
  let closing = false;
  /** Settles when the first statement has; every later statement of the transaction waits. */
  let first: Promise<unknown> = Promise.resolve();
  /** Opens the gate this transaction holds closed; undefined while it holds none. */
  let holding: (() => void) | undefined = release;
  const letGo = () => {
    holding?.();
    holding = undefined;
  };
  const begin = async () => {
    holding ??= gate.close();
    await execute(statement('BEGIN'));
    open = true;
  };

  const attempt = <T>(run: () => Promise<T>) =>
    gate.closedDuring(async () => {
      if (!open) await begin();
      try {
        return await run();
      } catch (error) {
        if (isSqliteBusy(error)) {
          // Fails only if SQLite already rolled the transaction back itself: out either way.
          await execute(statement('ROLLBACK')).catch(() => undefined);
          open = false;
          letGo();
        }
        throw error;
      }
    });

  const wrap =
    <T>(call: (q: Query) => Promise<T>, nothing: T) =>
    async (q: Query): Promise<T> => {
      if (ENDS_TRANSACTION.test(q.sql)) {
        closing = true;
        await first;
        try {
          // The first statement gave up outside the transaction: there is nothing left to end.
          return open ? await call(q) : nothing;
        } finally {
          letGo();
        }
      }
      if (!started) {
        started = true;
        const running = retryWhileBusy(
          () => attempt(() => call(q)),
          options,
          () => closing,
        );
        first = running.catch(() => undefined);
        return running;
      }
      await first;
      // A caller that went on after its first statement failed: its statements stay in a
      // transaction (Prisma then commits or rolls back that one).
      if (!open) await begin();
      return call(q);
    };
  tx.queryRaw = wrap(tx.queryRaw.bind(tx), { columnNames: [], columnTypes: [], rows: [] });
  tx.executeRaw = wrap(execute, 0);
  // Prisma calls these after its COMMIT or ROLLBACK statement; they are the end even if that
  // statement failed, so the gate cannot stay closed behind a transaction that is gone.
  for (const method of ['commit', 'rollback'] as const) {
    const end = tx[method]?.bind(tx);
    if (end)
      tx[method] = async () => {
        try {
          await end();
        } finally {
          letGo();
          ended();
        }
      };
  }
  return tx;
}

interface Ending {
  commit(): Promise<void>;
  rollback(): Promise<void>;
}
