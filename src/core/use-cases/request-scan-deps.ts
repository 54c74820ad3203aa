// The scan dependencies of one preview or explanation: the request's signal stops its gateway
// reads and its pages, and its top_up/reset balance reads are bounded (scan/balance-reads.ts).
import { BalanceReadBudget, stoppableGateway } from '../scan/balance-reads.ts';
import type { ForecastDeps } from '../scan/occurrence-forecast.ts';
import type { RunDeps } from '../scan/run-deps.ts';
import type { CoreDeps } from './deps.ts';

export type RequestScanDeps = RunDeps & ForecastDeps;

export function requestScanDeps({
  scan,
  scope,
}: Pick<CoreDeps, 'scan' | 'scope'>): RequestScanDeps {
  const signal = scope?.signal;
  return {
    ...scan,
    // A preview is itself an API request: it must not wait for API requests to finish.
    interactive: undefined,
    gateway: stoppableGateway(scan.gateway, signal),
    signal,
    balanceReads: new BalanceReadBudget(scan.previewMaxBalanceReads ?? Number.POSITIVE_INFINITY),
  };
}
