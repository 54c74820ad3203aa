// QuotaGateway over the Higress ai-quota admin API, in the calling thread: the operations of
// gateway-operations.ts (requests, retries, limiter, timeouts) behind the circuit breaker.
import { guardedByBreaker } from './breaker-guard.ts';
import type { GatewayClientOptions } from './client-options.ts';
import { amountFrom } from './gateway-amount.ts';
import { createGatewayOperations, type Operation } from './gateway-operations.ts';
import type { Envelope } from './envelope.ts';
import type { DeltaOptions, GatewayClient, MutationOptions, ReadOptions } from './quota-gateway.ts';

export function createAiGatewayClient(options: GatewayClientOptions): GatewayClient {
  const operations = createGatewayOperations(options);
  const now = options.now ?? Date.now;
  const breaker = options.breaker;

  /**
   * One operation with retries, seen by the circuit breaker as a whole (breaker-guard.ts).
   * Ping stays outside the breaker: readiness reports the gateway as it is, and an
   * unauthenticated /readyz must not be able to close (or open) the circuit.
   */
  function execute(op: Operation): Promise<Envelope> {
    if (op.name === 'ping') return operations.run(op);
    return guardedByBreaker(breaker, op.name, now, () => operations.run(op));
  }

  // Every method is async, so an invalid argument rejects like every other failure instead of
  // throwing synchronously.
  return {
    async getQuota(userId: string, opts?: ReadOptions) {
      const op = { ...operations.getQuota(userId), signal: opts?.signal };
      return amountFrom('get_quota', (await execute(op)).data);
    },
    async getUsed(userId: string, opts?: ReadOptions) {
      const op = { ...operations.getUsed(userId), signal: opts?.signal };
      return amountFrom('get_used', (await execute(op)).data);
    },
    async deltaQuota(userId: string, value: number, opts: DeltaOptions) {
      await execute(operations.delta(userId, value, opts.idempotencyKey, opts.sendBefore));
    },
    async refreshQuota(userId: string, quota: number, opts?: MutationOptions) {
      await execute(operations.refresh(userId, quota, opts?.sendBefore));
    },
    async ping() {
      await execute(operations.ping());
    },
    close: () => operations.close(),
  };
}
