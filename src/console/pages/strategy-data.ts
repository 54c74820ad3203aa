// Strategies with their statistics, as the overview and the list show them: one API call for
// the list, one per strategy for its stats (the same calls a script would make).
import type { ApiClient } from '../api-client.ts';
import type { Page, Strategy, StrategyStats } from '../api-types.ts';

export interface StrategyWithStats {
  strategy: Strategy;
  stats?: StrategyStats;
}

export async function strategiesWithStats(
  api: ApiClient,
  last = 0,
): Promise<{ rows: StrategyWithStats[]; error?: string }> {
  const list = await api.get<Page<Strategy>>('/api/v1/strategies', { limit: 1000 });
  if (!list.ok)
    return { rows: [], error: `The strategies could not be read (HTTP ${list.status}).` };
  const rows = await Promise.all(
    list.body.items.map(async (strategy) => {
      const stats = await api.get<StrategyStats>(`/api/v1/strategies/${strategy.id}/stats`, {
        next: 1,
        last,
      });
      return { strategy, stats: stats.ok ? stats.body : undefined };
    }),
  );
  return { rows };
}

/** The calendar day of an instant in a time zone, as YYYY-MM-DD. */
export function dayIn(instant: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}
