// Keeps statements from outside a transaction out of it on SQLite, where the adapter runs every
// statement of the process on one connection (sqlite-busy-retry.ts wires it in).
/**
 * Where statements from outside a transaction wait. Closed for the whole life of every
 * transaction, from before its BEGIN until its COMMIT or ROLLBACK: the adapter runs outside
 * statements on the transaction's own connection, so one that ran meanwhile would become part
 * of the transaction, invisible to everyone else until the commit and undone by a rollback. A
 * scan's claim or `sending` mark undone that way, after its grant reached the gateway, would be
 * granted again by the next scan (test/db/sqlite-transactions.test.ts). Statements run
 * synchronously when called, so a caller that finds the gate open and calls at once cannot be
 * overtaken. Closings nest: a transaction's first-statement retry closes it again.
 *
 * Code inside a transaction callback must use the transaction client for its statements: a
 * statement on the outer client would wait here for the transaction it is part of, until
 * Prisma's transaction timeout ends it (every store does; see the $transaction calls in src/db).
 */
export class Gate {
  private closings = 0;
  private opened: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;

  async passed(): Promise<void> {
    while (this.closings > 0) await this.opened;
  }

  /** Closes the gate until the returned function is called (once; later calls do nothing). */
  close(): () => void {
    if (this.closings++ === 0) this.opened = new Promise<void>((resolve) => (this.open = resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      if (--this.closings === 0) this.open();
    };
  }

  /** Closes the gate until `work` settles. */
  async closedDuring<T>(work: () => Promise<T>): Promise<T> {
    const release = this.close();
    try {
      return await work();
    } finally {
      release();
    }
  }
}
