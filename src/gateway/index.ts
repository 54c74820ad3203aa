// The gateway adapter's public surface; the composition root imports from here.
export type { DeltaOptions, GatewayClient, QuotaGateway } from './quota-gateway.ts';
export { GatewayConfigError, GatewayError, type GatewayErrorReason } from './gateway-error.ts';
export { createAiGatewayClient } from './ai-gateway-client.ts';
export type { GatewayClientOptions } from './client-options.ts';
export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitChange,
  type CircuitState,
} from './circuit-breaker.ts';
export { createWorkerGateway, type WorkerGateway } from './worker-gateway.ts';
