// Keeps SQLite's prepared statements between calls. @prisma/adapter-better-sqlite3 7.10
// (dist/index.mjs) calls `client.prepare(sql).bind(args)` for every statement it runs: SQLite
// parses and plans the same text again each time, and better-sqlite3 allows `bind` only once
// per statement object, so the adapter cannot keep them itself. A scan runs the same few
// statements (candidates, claims, marks, outcomes) tens of thousands of times.
//
// This wraps the connection's `prepare`: statements are kept by their SQL text in a bounded
// least-recently-used map, and each call gets a small handle that passes its arguments to the
// kept statement at run time instead of binding them for good. better-sqlite3 resets a
// statement and clears its bindings after every run, failed runs included, so a kept statement
// starts clean each time; SQLite itself re-prepares a kept statement whose schema changed.
import type { ConnectionFactory } from './adapter-connection.ts';

/** Distinct SQL texts kept; beyond it the least recently used is dropped (and freed by GC). */
export const STATEMENT_CACHE_SIZE = 256;

/** The part of a better-sqlite3 statement the adapter uses. */
interface Statement {
  readonly reader: boolean;
  run(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  columns(): unknown[];
  raw(toggle?: boolean): Statement;
}

interface SqliteClient {
  prepare(sql: string): Statement;
}

/**
 * What the adapter gets back from `prepare`: a statement whose `bind(args)` returns a handle
 * that runs the kept statement with those arguments.
 */
class ReusedStatement {
  /** Raw rows are a mode of the statement object: each handle sets its own before it reads. */
  private rawRows = false;

  constructor(
    private readonly statement: Statement,
    private readonly params: unknown[] = [],
  ) {}

  get reader(): boolean {
    return this.statement.reader;
  }

  /**
   * The adapter binds one array of anonymous parameters; they are spread, because better-sqlite3
   * refuses an empty array for a statement without parameters.
   */
  bind(...params: unknown[]): ReusedStatement {
    const values = params.length === 1 && Array.isArray(params[0]) ? params[0] : params;
    return new ReusedStatement(this.statement, values as unknown[]);
  }

  run(): unknown {
    return this.statement.run(...this.params);
  }

  all(): unknown[] {
    return this.statement.raw(this.rawRows).all(...this.params);
  }

  columns(): unknown[] {
    return this.statement.columns();
  }

  /** As better-sqlite3's: `raw()` and `raw(true)` turn raw rows on, `raw(false)` off. */
  raw(toggle?: boolean): this {
    this.rawRows = toggle ?? true;
    return this;
  }
}

/** A bounded map from SQL text to its prepared statement, most recently used last. */
export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly prepare: (sql: string) => Statement,
    private readonly capacity = STATEMENT_CACHE_SIZE,
  ) {}

  get size(): number {
    return this.statements.size;
  }

  statement(sql: string): ReusedStatement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.prepare(sql);
      if (this.statements.size >= this.capacity)
        this.statements.delete(this.statements.keys().next().value!);
    } else {
      this.statements.delete(sql);
    }
    this.statements.set(sql, statement);
    return new ReusedStatement(statement);
  }
}

/**
 * Replaces `prepare` on a better-sqlite3 database with the cache. For the adapter's client,
 * whose statements run one at a time (each to completion, synchronously), which is what makes
 * sharing one statement object safe.
 */
export function cachePreparedStatements(client: SqliteClient, capacity?: number): StatementCache {
  const cache = new StatementCache(client.prepare.bind(client), capacity);
  client.prepare = (sql: string) => cache.statement(sql);
  return cache;
}

/**
 * Wraps the adapter factory so that its connection's database keeps prepared statements. The
 * adapter keeps its better-sqlite3 database in the connection's `client` field.
 */
export function cacheSqliteStatements<F extends ConnectionFactory>(
  factory: F,
  capacity?: number,
): F {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const connection = await connect();
    const client = (connection as unknown as { client?: SqliteClient }).client;
    if (typeof client?.prepare !== 'function')
      throw new Error('SQLite adapter without a `client` database: cannot cache statements');
    cachePreparedStatements(client, capacity);
    return connection;
  };
  return factory;
}
