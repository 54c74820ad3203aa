// A QuotaGateway decorator that times every call into a histogram, labelled by operation,
// outcome (`success` or the GatewayError reason) and HTTP status (`2xx` on success, the
// gateway's status when it answered with an error, `none` when no answer came). The client
// itself is untouched; one observation covers a whole call, retries included.
import type { Histogram } from 'prom-client';
import { GatewayError, type QuotaGateway } from '../gateway/index.ts';
import type { GatewayLabels } from './metrics.ts';

export function instrumentGateway(
  gateway: QuotaGateway,
  histogram: Histogram<GatewayLabels>,
): QuotaGateway {
  async function timed<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const stop = histogram.startTimer({ operation });
    try {
      const value = await call();
      stop({ outcome: 'success', status: '2xx' });
      return value;
    } catch (error) {
      if (error instanceof GatewayError) {
        stop({
          outcome: error.reason,
          status: error.status === undefined ? 'none' : String(error.status),
        });
      } else {
        stop({ outcome: 'error', status: 'none' });
      }
      throw error;
    }
  }
  return {
    getQuota: (userId, o) => timed('get_quota', () => gateway.getQuota(userId, o)),
    deltaQuota: (userId, value, opts) =>
      timed('delta_quota', () => gateway.deltaQuota(userId, value, opts)),
    refreshQuota: (userId, quota, opts) =>
      timed('refresh_quota', () => gateway.refreshQuota(userId, quota, opts)),
    getUsed: (userId, o) => timed('get_used', () => gateway.getUsed(userId, o)),
    ping: () => timed('ping', () => gateway.ping()),
  };
}
