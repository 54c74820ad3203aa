// One API request as the use cases see it: when nobody waits for the answer any more, and how
// far its caller may reach. The CLI and the scheduler have none (no end, no restriction).

export interface RequestScope {
  /** Aborted when the request times out or its client goes away: its work stops. */
  signal?: AbortSignal;
  /**
   * Viewer tokens: gateway balances only of users the daemon knows (in user_info, or with
   * grants in the ledger), not of any id a caller makes up (docs/api.md, Roles).
   */
  knownUsersOnly?: boolean;
}
