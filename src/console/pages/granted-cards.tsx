// The overview's "Granted" cards: what was actually given (applied grants) today, this month and
// in all, in the daemon's zone; rows still pending, failed or unknown gave nothing yet and are
// counted apart, under "Needs attention".
import type { GrantStatsJson } from '../../contract/wire-types.ts';
import { fmtAmount } from './layout.tsx';

const PERIODS = [
  ['today', 'today'],
  ['this_month', 'this month'],
  ['all_time', 'all time'],
] as const;

export function GrantedCards(props: { stats: GrantStatsJson }) {
  return (
    <section aria-labelledby="granted" class="cards">
      <h2 id="granted" class="sr-only">
        Granted (applied grants)
      </h2>
      {PERIODS.map(([key, label]) => {
        const applied = props.stats[key].by_status.applied;
        return (
          <div class="card stat" data-testid={`stat-${key}`}>
            <h3>{label}</h3>
            <p class="big">{fmtAmount(applied.amount)}</p>
            <p>{applied.grants} grants applied</p>
          </div>
        );
      })}
    </section>
  );
}
