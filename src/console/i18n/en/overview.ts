// English: the overview and its badges. Part of the catalogue en.ts assembles.
import type { Child } from 'hono/jsx';

export const overview = {
  overview: {
    title: 'Overview',
    asOf: (at: Child): Child[] => ['As of ', at],
    statsFailed: (status: number) => `Statistics could not be read (HTTP ${status}).`,
    gatewayTitle: 'Gateway',
    gatewayLine: (gateway: Child, database: Child): Child[] => [
      'Gateway: ',
      gateway,
      '; database: ',
      database,
    ],
    checkUnknown: 'unknown',
    checkOk: 'ok',
    breaker: 'Circuit breaker: ',
    breakerNotReported: 'not reported (/metrics is protected or not enabled)',
    breakerOpen: 'open — grants paused',
    breakerClosed: 'closed',
    attentionTitle: 'Needs attention',
    chartTitle: (days: number) => `Granted per day, last ${days} days`,
    chartHint: (zone: string) =>
      `Applied amount per occurrence day (${zone}), periodic strategies; single strategies count in the totals above.`,
    chartLabel: 'Chart of granted amounts per day and strategy (the table below has the numbers)',
    chartAxisDay: 'day',
    chartAxisAmount: 'amount',
    theNumbers: 'The numbers',
    nothingGranted: 'Nothing granted by periodic strategies in these days.',
    day: 'Day',
    grantedHeading: 'Granted (applied grants)',
    periods: { today: 'today', this_month: 'this month', all_time: 'all time' },
    grantsApplied: (n: number) => `${n} grants applied`,
  },
  attention: {
    none: 'none',
    unknown: 'Unknown outcome',
    failed: 'Failed (retried by scans)',
    held: 'Held occurrences',
    failedBy: 'Failed grants by strategy: ',
    heldBy: 'Held occurrences by strategy: ',
    heldNotReported: 'Held occurrences are not reported by this server.',
  },
};
