// What a preview or an explanation may cost the gateway. Their top_up and reset amounts read one
// or two gateway counters per matching user, and anyone with a viewer token may ask for them:
// a bound on the reads per request, and a signal that ends the work once nobody waits for the
// answer (the request timed out, or the client went away).
import { AppError } from '../errors.ts';
import type { GrantGateway } from '../ports/gateway.ts';

/** How many users' balances one preview or explanation may read (SCAN_PREVIEW_MAX_BALANCE_READS). */
export class BalanceReadBudget {
  /** Users whose balance was not read because the budget was spent. */
  notRead = 0;
  private left: number;

  constructor(max: number) {
    this.left = max;
  }

  /** Takes one user's read; false (and counted in notRead) when none is left. */
  take(): boolean {
    if (this.left > 0) {
      this.left -= 1;
      return true;
    }
    this.notRead += 1;
    return false;
  }
}

/** The error a use case stops with once its request's signal is aborted. */
export function stopped(): AppError {
  return new AppError('request_timeout', 'the request ended before its work did: stopped');
}

/** Throws once `signal` is aborted: checked between pages, so the work ends with the request. */
export function throwIfStopped(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw stopped();
}

/**
 * The gateway for one request's work: once `signal` is aborted, no new call starts (calls in
 * flight end within the gateway timeout). Without a signal, the gateway itself.
 */
export function stoppableGateway(gateway: GrantGateway, signal?: AbortSignal): GrantGateway {
  if (signal === undefined) return gateway;
  const guard =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      throwIfStopped(signal);
      return call(...args);
    };
  return {
    deltaQuota: guard((userId, value, options) => gateway.deltaQuota(userId, value, options)),
    // The signal also reaches the client: a read queued for a connection is then not sent.
    getQuota: guard((userId) => gateway.getQuota(userId, { signal })),
    getUsed: guard((userId) => gateway.getUsed(userId, { signal })),
    refreshQuota: guard((userId, quota, options) => gateway.refreshQuota(userId, quota, options)),
  };
}
