// "How much did we give away?": ledger totals for today, this month and all time (day and
// month in the configured zone), and one strategy's schedule: the occurrence due now and the
// next fire times that will grant.
import { startOfDay, startOfMonth } from '../time-zone.ts';
import type { OccurrenceTotals, TotalsByStatus } from '../model/ledger-totals.ts';
import { parse } from '../../condition/index.ts';
import type { HeldOccurrence } from '../model/run-result.ts';
import type { ClosedHold } from '../ports/scan-store.ts';
import type { Strategy } from '../model/strategy.ts';
import { forecastOccurrence } from '../scan/occurrence-forecast.ts';
import { dueOccurrence } from '../scan/due-occurrence.ts';
import { nextOccurrences, SINGLE_OCCURRENCE } from '../schedule.ts';
import type { CoreDeps } from './deps.ts';

export interface PeriodTotals {
  timeZone: string;
  generatedAt: Date;
  today: { since: Date; totals: TotalsByStatus };
  thisMonth: { since: Date; totals: TotalsByStatus };
  allTime: TotalsByStatus;
  /** What lot expiries took back (hundredths): today, this month, all time. */
  expired: { today: bigint; thisMonth: bigint; allTime: bigint };
}

export interface StrategyStats extends PeriodTotals {
  strategy: Strategy;
  /** The occurrence due now (periodic strategies; null when none is due or single). */
  lastOccurrence: Date | null;
  /** The next fire times that will grant: inside [start_at, end_at], none when disabled. */
  nextOccurrences: Date[];
  recentOccurrences: OccurrenceTotals[];
  /** Occurrences held by a budget cap, newest first, with what each needs now. */
  held: HeldOccurrence[];
  /** The latest holds that ended without a grant (superseded, dismissed, released), newest first. */
  closedHolds: ClosedHold[];
}

export async function grantStats(
  deps: Pick<CoreDeps, 'stats' | 'clock' | 'defaultTimeZone'>,
  strategyId?: number,
): Promise<PeriodTotals> {
  const now = deps.clock.now();
  const zone = deps.defaultTimeZone;
  const day = startOfDay(now, zone);
  const month = startOfMonth(now, zone);
  const [{ windows, allTime }, expired] = await Promise.all([
    deps.stats.grantTotals({ strategyId, windowStarts: [day, month] }),
    deps.stats.expiredTotals({ strategyId, windowStarts: [day, month] }),
  ]);
  return {
    expired: {
      today: expired.windows[0]!,
      thisMonth: expired.windows[1]!,
      allTime: expired.allTime,
    },
    timeZone: zone,
    generatedAt: now,
    today: { since: day, totals: windows[0]! },
    thisMonth: { since: month, totals: windows[1]! },
    allTime,
  };
}

export async function strategyStats(
  deps: Pick<CoreDeps, 'stats' | 'strategies' | 'clock' | 'defaultTimeZone' | 'scan'>,
  id: number,
  options: { next: number; last: number },
): Promise<StrategyStats> {
  const strategy = await deps.strategies.get(id);
  const now = deps.clock.now();
  const [periods, recent, held, closedHolds] = await Promise.all([
    grantStats(deps, id),
    deps.stats.recentOccurrences(id, options.last),
    heldOccurrences(deps, strategy),
    deps.scan.store.closedHolds(id, CLOSED_HOLDS_SHOWN),
  ]);
  return {
    ...periods,
    strategy,
    lastOccurrence: lastOccurrence(strategy, now),
    nextOccurrences: upcoming(strategy, now, options.next),
    recentOccurrences: recent,
    held,
    closedHolds,
  };
}

/** Enough to see what a run of ticks superseded, without paging. */
const CLOSED_HOLDS_SHOWN = 10;

/** At most a few held occurrences (there is rarely more than one), counted as a run would. */
async function heldOccurrences(deps: Pick<CoreDeps, 'scan'>, strategy: Strategy) {
  const parsed = parse(strategy.condition);
  if (!parsed.ok) return [];
  const matching = { ...deps.scan, interactive: undefined };
  const held: HeldOccurrence[] = [];
  for (const occurrence of await deps.scan.store.heldOccurrences(strategy.id, 5)) {
    const forecast = await forecastOccurrence(strategy, parsed.ast, occurrence, matching);
    if (forecast.held) held.push({ occurrence, ...forecast.held });
  }
  return held;
}

function lastOccurrence(strategy: Strategy, now: Date): Date | null {
  const due = dueOccurrence(strategy, now);
  return due === null || due === SINGLE_OCCURRENCE ? null : new Date(due);
}

function upcoming(strategy: Strategy, now: Date, count: number): Date[] {
  if (!strategy.enabled || strategy.type !== 'periodic' || !strategy.periodicExpr || count === 0)
    return [];
  // nextOccurrences is strictly after its instant; start just before start_at so it counts.
  const from =
    strategy.startAt && strategy.startAt > now ? new Date(strategy.startAt.getTime() - 1) : now;
  return nextOccurrences(strategy.periodicExpr, strategy.timezone, from, count).filter(
    (at) => !strategy.endAt || at <= strategy.endAt,
  );
}
