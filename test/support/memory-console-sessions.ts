// An in-memory ConsoleSessionStore with the database store's semantics (expiry strictly after
// `now`, deletes that answer counts), for unit tests of the console's sealing and hashing.
import type {
  ConsoleSessionRecord,
  ConsoleSessionStore,
} from '../../src/core/ports/console-sessions.ts';

export class MemoryConsoleSessions implements ConsoleSessionStore {
  readonly rows = new Map<string, ConsoleSessionRecord>();

  insert(record: ConsoleSessionRecord): Promise<void> {
    if (this.rows.has(record.idHash)) return Promise.reject(new Error('duplicate id_hash'));
    this.rows.set(record.idHash, { ...record });
    return Promise.resolve();
  }

  find(idHash: string, now: Date): Promise<ConsoleSessionRecord | null> {
    const row = this.rows.get(idHash);
    return Promise.resolve(row && row.expiresAt > now ? { ...row } : null);
  }

  delete(idHash: string): Promise<void> {
    this.rows.delete(idHash);
    return Promise.resolve();
  }

  deleteForCaller(callerName: string): Promise<number> {
    return this.deleteWhere((row) => row.callerName === callerName);
  }

  deleteExpired(now: Date): Promise<number> {
    return this.deleteWhere((row) => row.expiresAt <= now);
  }

  private deleteWhere(test: (row: ConsoleSessionRecord) => boolean): Promise<number> {
    let count = 0;
    for (const [key, row] of this.rows)
      if (test(row)) {
        this.rows.delete(key);
        count++;
      }
    return Promise.resolve(count);
  }
}
