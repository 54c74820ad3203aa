// Times SQLite statements. better-sqlite3 runs each statement synchronously inside the adapter's
// queryRaw/executeRaw, before they return their promise, so the time a call takes to return is
// the time the statement held the event loop. The daemon charges it to the scan phase running
// (metrics/loop-stalls.ts); the database layer only reports it.

import type { ConnectionFactory, Queryable } from './adapter-connection.ts';

/** Hears each statement's synchronous time in ms and its SQL. Must be cheap and must not throw. */
export type StatementTimer = (ms: number, sql: string) => void;

/** Wraps the adapter factory so that every statement (in transactions too) is timed. */
export function timeStatements<F extends ConnectionFactory>(factory: F, timer: StatementTimer): F {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const connection = timeQueryable(await connect(), timer);
    const start = connection.startTransaction.bind(connection);
    connection.startTransaction = async (level) => timeQueryable(await start(level), timer);
    return connection;
  };
  return factory;
}

function timeQueryable<Q extends Queryable>(queryable: Q, timer: StatementTimer): Q {
  const query = queryable.queryRaw.bind(queryable);
  const execute = queryable.executeRaw.bind(queryable);
  queryable.queryRaw = (q) => timed(q.sql, () => query(q), timer);
  queryable.executeRaw = (q) => timed(q.sql, () => execute(q), timer);
  return queryable;
}

function timed<T>(sql: string, call: () => Promise<T>, timer: StatementTimer): Promise<T> {
  const started = performance.now();
  try {
    return call();
  } finally {
    timer(performance.now() - started, sql);
  }
}
