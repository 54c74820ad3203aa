// What needs a person on the overview, each count a link to the list it counts: unknown grants
// to the page that resolves them, failed grants to each strategy's ledger filtered to failed,
// held occurrences to each strategy's held list.
import { base } from './layout.tsx';
import { t } from '../i18n/current.ts';
import type { StrategyWithStats } from './strategy-data.ts';

export interface AttentionCounts {
  unknown: number;
  failed: number;
}

/** A count; a link to what it counts when there is something to see. */
function Badge(props: { href: string; count: number; label: string; testId: string }) {
  if (props.count === 0)
    return (
      <span class="badge" data-testid={props.testId}>
        {props.label}
        {t().common.colon}
        <strong>{t().attention.none}</strong>
      </span>
    );
  return (
    <a class="badge badge-bad" href={props.href} data-testid={props.testId}>
      {props.label}
      {t().common.colon}
      <strong>{props.count}</strong>
    </a>
  );
}

export function AttentionBadges(props: { counts: AttentionCounts; rows: StrategyWithStats[] }) {
  const strategyLink = (id: number, query: string) => `${base()}/strategies/${id}${query}`;
  const failedBy = props.rows.filter((r) => (r.stats?.all_time.by_status.failed.grants ?? 0) > 0);
  const heldBy = props.rows.filter((r) => (r.stats?.held ?? []).length > 0);
  const heldReported = props.rows.some((r) => r.stats && 'held' in r.stats);
  const m = t().attention;
  return (
    <>
      <p class="badges">
        <Badge
          href={`${base()}/unknown-grants`}
          count={props.counts.unknown}
          label={m.unknown}
          testId="badge-unknown"
        />{' '}
        <Badge
          href={
            failedBy.length === 1
              ? strategyLink(failedBy[0]!.strategy.id, '?status=failed#ledger')
              : '#failed-by'
          }
          count={props.counts.failed}
          label={m.failed}
          testId="badge-failed"
        />{' '}
        <Badge
          href={heldBy.length === 1 ? strategyLink(heldBy[0]!.strategy.id, '#held') : '#held-by'}
          count={heldBy.reduce((n, r) => n + r.stats!.held.length, 0)}
          label={m.held}
          testId="badge-held"
        />
      </p>
      {failedBy.length > 1 && (
        <p id="failed-by">
          {m.failedBy}
          {failedBy.map((r) => (
            <a href={strategyLink(r.strategy.id, '?status=failed#ledger')}>
              {r.strategy.name} ({r.stats!.all_time.by_status.failed.grants}){' '}
            </a>
          ))}
        </p>
      )}
      {heldBy.length > 1 && (
        <p id="held-by">
          {m.heldBy}
          {heldBy.map((r) => (
            <a href={strategyLink(r.strategy.id, '#held')}>
              {r.strategy.name} ({r.stats!.held.length}){' '}
            </a>
          ))}
        </p>
      )}
      {!heldReported && props.rows.length > 0 && <p class="hint">{m.heldNotReported}</p>}
    </>
  );
}
