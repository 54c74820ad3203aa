// deliverEntry's outcome for a call whose answer was lost (the gateway client's signal aborted at
// shutdown, or a timeout): a delta that may have been sent stays `sending`, in doubt, as a crash
// would leave it, and is never reconciled on the spot; one never sent is a certain failure. The gateway is
// a fake of the core's port that rejects as the real client does (GatewayError).
import { describe, expect, it } from 'vitest';
import type { ClaimedEntry } from '../../src/core/model/ledger-entry.ts';
import type { GrantGateway } from '../../src/core/ports/gateway.ts';
import type { CoreLogger } from '../../src/core/ports/runtime-services.ts';
import type { DeliveryOptions } from '../../src/core/scan/run-deps.ts';
import { deliverEntry } from '../../src/core/scan/deliver-entry.ts';
import { GatewayError } from '../../src/gateway/index.ts';

const entry: ClaimedEntry = {
  id: 7,
  strategyId: 1,
  occurrence: 'once',
  userId: 'u7',
  amount: 1,
  attempts: 0,
  idempotencyKey: 'qm:1:once:u7',
  totalBefore: 10,
};

const options: DeliveryOptions = {
  concurrency: 4,
  honoursIdempotency: false,
  reconcile: true,
  balance: 'total_minus_used',
  uncertainSettleAfterMs: 0,
};

const farDeadline = { monotonicMs: Number.MAX_SAFE_INTEGER, wallMs: Number.MAX_SAFE_INTEGER };

const silent: CoreLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

/** A gateway whose delta fails with `error`; counts the reads reconciliation would make. */
function failingGateway(error: GatewayError) {
  const reads: string[] = [];
  const gateway: GrantGateway = {
    deltaQuota: () => Promise.reject(error),
    getQuota: (userId) => {
      reads.push(userId);
      return Promise.resolve(11);
    },
    getUsed: () => Promise.resolve(0),
    refreshQuota: () => Promise.resolve(),
  };
  return { gateway, reads };
}

describe('deliverEntry when the answer was lost', () => {
  it('a delta cut off in flight stays sending for the next run, without a reconciliation read now', async () => {
    const { gateway, reads } = failingGateway(
      new GatewayError('request aborted while in flight: the caller stopped waiting', {
        reason: 'aborted',
        retryable: false,
        uncertain: true,
      }),
    );
    const outcome = await deliverEntry(entry, gateway, options, silent, farDeadline);
    expect(outcome).toMatchObject({ id: 7, status: 'sending', attempts: 1 });
    expect(outcome.lastError).toContain('aborted while in flight');
    expect(reads).toEqual([]);
  });

  it('a delta aborted before it was sent is a certain failure (re-sent later)', async () => {
    const { gateway, reads } = failingGateway(
      new GatewayError('gateway delta_quota stopped after 0 attempt(s)', {
        reason: 'aborted',
        retryable: false,
        uncertain: false,
        attempts: 0,
      }),
    );
    const outcome = await deliverEntry(entry, gateway, options, silent, farDeadline);
    expect(outcome).toMatchObject({ id: 7, status: 'failed', attempts: 0 });
    expect(reads).toEqual([]);
  });

  // Issue 22, reproduction 2: reading the total at once said "not applied" for a delta a proxy
  // was still holding, and the re-send granted twice. A doubt now waits out its settle time.
  it('a timeout (not an abort) stays in doubt, without reading the total now', async () => {
    const { gateway, reads } = failingGateway(
      new GatewayError('gateway did not answer within 300 ms', {
        reason: 'timeout',
        retryable: true,
        uncertain: true,
      }),
    );
    const outcome = await deliverEntry(entry, gateway, options, silent, farDeadline);
    expect(outcome).toMatchObject({ id: 7, status: 'sending' });
    expect(outcome.lastError).toContain('outcome in doubt');
    expect(reads).toEqual([]);
  });
});
