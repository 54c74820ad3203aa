// Strategies with their statistics, as the overview and the list show them: one API call for
// the list, one per strategy for its stats (the same calls a script would make).
import { problemText, type ApiClient } from '../api-client.ts';
import { t } from '../i18n/current.ts';
import type { PreviewJson, StrategyJson, StrategyStatsJson } from '../api-types.ts';

export interface StrategyWithStats {
  strategy: StrategyJson;
  stats?: StrategyStatsJson;
}

/** One page of strategies (by id, after `page.cursor`) with each one's statistics. */
export async function strategiesWithStats(
  api: ApiClient,
  last = 0,
  page: { cursor?: string; limit: number } = { limit: 1000 },
): Promise<{ rows: StrategyWithStats[]; next: string | null; error?: string }> {
  const list = await api.get('/api/v1/strategies', { query: page });
  if (!list.ok)
    return {
      rows: [],
      next: null,
      error: list.status === 400 ? problemText(list) : t().strategies.readFailed(list.status),
    };
  const rows = await Promise.all(
    list.body.items.map(async (strategy) => {
      const stats = await api.get('/api/v1/strategies/:id/stats', {
        param: { id: strategy.id },
        query: { next: 1, last },
      });
      return { strategy, stats: stats.ok ? stats.body : undefined };
    }),
  );
  return { rows, next: list.body.next_cursor };
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

export interface PreviewResult {
  preview?: PreviewJson;
  /** What was previewed: 'next', an ISO instant, or 'due' when the server cannot do 'next'. */
  previewed: string;
  error?: string;
}

/**
 * Previews the occurrence asked for. A server without future previews refuses "next" with 400;
 * the console then previews the occurrence due now and says so, rather than guess.
 */
export async function previewOf(
  api: ApiClient,
  id: string,
  wanted: string,
): Promise<PreviewResult> {
  const param = { id };
  const answer = await api.post(
    '/api/v1/strategies/:id/preview',
    { occurrence: wanted },
    { param },
  );
  if (answer.ok) return { preview: answer.body, previewed: wanted };
  if (wanted === 'next' && answer.status === 400) {
    const due = await api.post('/api/v1/strategies/:id/preview', undefined, { param });
    if (due.ok) return { preview: due.body, previewed: 'due' };
  }
  return { previewed: wanted, error: problemText(answer) };
}
