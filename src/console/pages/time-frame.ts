// The frame a page shows its instants in when no strategy's zone applies (users, grants across
// strategies, webhooks, sources): the daemon's own zone, which the API's statistics name.
import type { ApiClient } from '../api-client.ts';
import type { TimeFrame } from './instant.tsx';

export async function daemonTimeFrame(api: ApiClient): Promise<TimeFrame> {
  const stats = await api.get('/api/v1/stats');
  return { zone: stats.ok ? stats.body.time_zone : 'UTC', zoneOf: 'daemon', now: new Date() };
}
