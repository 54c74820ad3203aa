// The claim lease must outlast a whole batch sent at the sender's deadline: otherwise another
// replica claims a delivery this one is still sending, and the receiver gets it twice at once.
import { describe, expect, it } from 'vitest';
import { leaseFor } from '../../src/webhooks/delivery-worker.ts';

describe('the delivery claim lease', () => {
  it.each([100, 5_000, 30_000, 120_000])(
    'outlasts four attempts in a lane at WEBHOOK_TIMEOUT_MS=%i',
    (timeoutMs) => {
      const lease = leaseFor({ timeoutMs, pollMs: 1000 });
      expect(lease).toBeGreaterThan(4 * timeoutMs);
      expect(lease).toBeLessThanOrEqual(4 * timeoutMs + 11_000);
    },
  );
});
