// The part of a Prisma driver adapter's connection that the SQLite wrappers (timed-sqlite.ts,
// sqlite-busy-retry.ts) replace: its statements, its transactions, and the factory Prisma
// connects through. Structural, so they wrap whatever the adapter package returns.

export interface Query {
  sql: string;
  args: unknown[];
  argTypes: unknown[];
}

export interface Queryable {
  queryRaw(query: Query): Promise<unknown>;
  executeRaw(query: Query): Promise<number>;
}

export interface Connection extends Queryable {
  startTransaction(isolationLevel?: unknown): Promise<Queryable>;
}

export interface ConnectionFactory {
  connect(): Promise<Connection>;
}
