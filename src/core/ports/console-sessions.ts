// Where the web console keeps its signed-in browsers: a table every replica reads, so a restart
// or a second replica behind a load balancer keeps them. The console seals and hashes before it
// stores (console/sessions.ts); a store sees neither a session id nor an API token.

export interface ConsoleSessionRecord {
  /** Hex SHA-256 of the session id the cookie holds. */
  idHash: string;
  /** The API caller the token resolved to (GET /api/v1/me): "sign out everywhere" reads it. */
  callerName: string;
  role: 'admin' | 'viewer';
  /** The API token, sealed under a key only the session id yields. */
  sealedToken: string;
  expiresAt: Date;
}

export interface ConsoleSessionStore {
  insert(record: ConsoleSessionRecord): Promise<void>;
  /** The live record (expiry after `now`), or null. */
  find(idHash: string, now: Date): Promise<ConsoleSessionRecord | null>;
  delete(idHash: string): Promise<void>;
  /** Ends every session of a caller; answers how many there were. */
  deleteForCaller(callerName: string): Promise<number>;
  /** Drops expired records; answers how many. */
  deleteExpired(now: Date): Promise<number>;
}
