// How often a running scan renews its strategy lease. The configuration checks SCAN_LEASE_MS
// against these numbers: a lease shorter than three renewal intervals can lapse after one slow
// renewal, and another replica would then scan the same strategy at once.

/** Renewals per lease lifetime: the lease is renewed every third of it… */
export const LEASE_RENEWALS_PER_LIFETIME = 3;
/** …but never more often than this. */
export const MIN_LEASE_RENEWAL_MS = 1000;

export function leaseRenewalIntervalMs(leaseMs: number): number {
  return Math.max(MIN_LEASE_RENEWAL_MS, Math.floor(leaseMs / LEASE_RENEWALS_PER_LIFETIME));
}

/** The shortest lease that still spans LEASE_RENEWALS_PER_LIFETIME renewals. */
export const MIN_LEASE_MS = LEASE_RENEWALS_PER_LIFETIME * MIN_LEASE_RENEWAL_MS;
