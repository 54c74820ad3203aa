// One job at a time across replicas (the user sync, the GitHub star poll): the port its runner
// takes. src/db/reserved-lease.ts keeps it in strategy_lease under a reserved key.

export interface ExclusiveLease {
  /** Takes the lease if nobody holds it (free, released or expired); false while someone does. */
  acquire(): Promise<boolean>;
  /** Call before each step; false means lost (expired or taken over): stop without writing. */
  renew(): Promise<boolean>;
  release(): Promise<void>;
  /** Whether any process (this one or a replica) holds it now, on the database's clock. */
  heldByAnyone(): Promise<boolean>;
}
