// The overview's "Granted" cards: what was actually given (applied grants) today, this month and
// in all, in the daemon's zone; rows still pending, failed or unknown gave nothing yet and are
// counted apart, under "Needs attention".
import type { GrantStatsJson } from '../api-types.ts';
import { fmtAmount } from './layout.tsx';
import { t } from '../i18n/current.ts';

const PERIODS = ['today', 'this_month', 'all_time'] as const;

export function GrantedCards(props: { stats: GrantStatsJson }) {
  const m = t().overview;
  return (
    <section aria-labelledby="granted" class="cards">
      <h2 id="granted" class="sr-only">
        {m.grantedHeading}
      </h2>
      {PERIODS.map((key) => {
        const applied = props.stats[key].by_status.applied;
        return (
          <div class="card stat" data-testid={`stat-${key}`}>
            <h3>{m.periods[key]}</h3>
            <p class="big">{fmtAmount(applied.amount)}</p>
            <p>{m.grantsApplied(applied.grants)}</p>
          </div>
        );
      })}
    </section>
  );
}
