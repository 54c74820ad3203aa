// The parts of a strategy's page: its fields, the preview of one occurrence, its ledger.
import type { ApiAnswer } from '../api-client.ts';
import { problemText } from '../api-client.ts';
import type {
  HeldJson,
  LedgerEntryJson,
  LedgerPageJson,
  LedgerStatus,
  StrategyJson,
} from '../api-types.ts';
import { strategyFieldEntries, type FieldSpec } from '../../contract/strategy-wire.ts';
import { base, ErrorBox, fmtAmount } from './layout.tsx';
import type { Child } from 'hono/jsx';
import { CronText } from './cron-words.tsx';
import { Instant, When, type TimeFrame } from './instant.tsx';
import { GrantAmountCells, GrantAmountHeads } from './ledger-amounts.tsx';
import type { PreviewResult } from './strategy-data.ts';
import { t } from '../i18n/current.ts';
import { Pager } from './pager.tsx';

/** Occurrences a budget cap holds: what each would grant in total against the caps. */
export function HeldList(props: { held: HeldJson[]; testId: string; frame: TimeFrame }) {
  const cap = (n: number | null) => (n === null ? t().common.none : fmtAmount(n));
  const m = t().strategy;
  return (
    <div class="notice error" role="status" id={props.testId} data-testid={props.testId}>
      <p>{m.heldList}</p>
      <ul>
        {props.held.map((h) => (
          <li>
            {m.heldLine(
              <When at={h.occurrence} frame={props.frame} />,
              h.needed_users,
              fmtAmount(h.needed_amount),
              cap(h.max_users_per_occurrence),
              cap(h.max_amount_per_occurrence),
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A field's value for people, by its kind in the strategy field table. */
function shown(spec: FieldSpec, s: StrategyJson, now: Date): Child {
  const value = (s as Record<string, string | number | boolean | null | undefined>)[spec.wire];
  const m = t().strategy;
  if (spec.wire === 'periodic_expr') return <CronText expression={s.periodic_expr} />;
  if (spec.wire === 'max_exec_per_user' && value === 0) return m.unlimited;
  if (spec.wire === 'missed_runs' && value === 'catch_up') return m.catchUpOf(s.max_catch_up);
  if (value === null || value === undefined) return '—';
  if (spec.kind === 'boolean') return value ? t().common.yes : t().common.no;
  if (spec.kind === 'amount') return fmtAmount(Number(value));
  if (spec.kind === 'date')
    return <Instant at={String(value)} zone={s.timezone} zoneOf="strategy" now={now} />;
  if (spec.kind === 'enum') return m.enumValues[spec.wire]?.[String(value)] ?? String(value);
  return String(value);
}

/** The statuses the ledger can be filtered by, in the order a row goes through them. */
const FILTER_STATUSES: LedgerStatus[] = ['pending', 'sending', 'applied', 'failed', 'unknown'];

type FieldWire = keyof ReturnType<typeof t>['form']['fields'];

/** Shown elsewhere on the page: the name and title head it, the condition closes the list. */
const NOT_LISTED = new Set(['name', 'title', 'condition']);

export function FieldList(props: { strategy: StrategyJson; now: Date }) {
  const s = props.strategy;
  const m = t();
  const rows: [string, Child][] = [
    [m.strategy.id, String(s.id)],
    [m.strategy.version, String(s.version)],
    ...strategyFieldEntries()
      .filter(([, spec]) => !NOT_LISTED.has(spec.wire))
      .map(([, spec]): [string, Child] => [
        m.strategy.fieldListLabel(m.form.fields[spec.wire as FieldWire].label),
        shown(spec, s, props.now),
      ]),
  ];
  return (
    <dl class="fields">
      {rows.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
      <dt>{m.strategy.condition}</dt>
      <dd>
        <pre class="code">{s.condition}</pre>
      </dd>
    </dl>
  );
}

export function PreviewSection(props: {
  strategyId: number;
  wanted: string;
  result: PreviewResult;
  frame: TimeFrame;
}) {
  const { preview, previewed, error } = props.result;
  const m = t().preview;
  const counts: [string, number | undefined][] = preview
    ? [
        [m.counts.matched, preview.matched],
        [m.counts.already_granted, preview.already_granted],
        [m.counts.capped, preview.capped],
        [m.counts.held_by_budget, preview.held_by_budget],
        [m.counts.would_grant, preview.would_grant],
      ]
    : [];
  return (
    <section class="card" aria-labelledby="preview" data-testid="preview">
      <h2 id="preview">{m.title}</h2>
      <form method="get" action={`${base()}/strategies/${props.strategyId}`} class="row">
        <label for="occurrence">{m.occurrenceLabel}</label>
        <input type="text" id="occurrence" name="occurrence" value={props.wanted} />
        <button type="submit">{m.submit}</button>
      </form>
      <ErrorBox message={error} />
      {previewed === 'due' && (
        <p class="notice" role="status">
          {m.dueOnly}
        </p>
      )}
      {preview && (
        <>
          <p>
            {m.summary(
              <strong
                data-testid="preview-occurrence"
                data-occurrence={preview.occurrence ?? 'once'}
              >
                <When at={preview.occurrence ?? 'once'} frame={props.frame} />
              </strong>,
              preview.occurrence_done,
              <strong data-testid="would-grant">{preview.would_grant}</strong>,
              <strong>{fmtAmount(preview.total_amount)}</strong>,
            )}
          </p>
          <ul class="counts">
            {counts
              .filter(([, n]) => n !== undefined)
              .map(([label, n]) => (
                <li>
                  {label}
                  {t().common.colon}
                  <strong>{n}</strong>
                </li>
              ))}
          </ul>
          {preview.sample_user_ids.length > 0 && (
            <p>
              {m.sample}
              {preview.sample_user_ids.map((u) => (
                <a href={`${base()}/users/${encodeURIComponent(u)}`}>{u} </a>
              ))}
            </p>
          )}
          {preview.held && (
            <HeldList held={[preview.held]} testId="preview-held" frame={props.frame} />
          )}
        </>
      )}
    </section>
  );
}

export function LedgerSection(props: {
  strategyId: number;
  filters: { status: string; user_id: string; cursor: string | undefined };
  ledger: ApiAnswer<LedgerPageJson>;
  frame: TimeFrame;
}) {
  const { filters, ledger } = props;
  const page = `${base()}/strategies/${props.strategyId}`;
  const csv = `${page}/ledger.csv?${new URLSearchParams({ status: filters.status, user_id: filters.user_id }).toString()}`;
  const m = t().ledger;
  return (
    <section class="card" aria-labelledby="ledger" data-testid="ledger">
      <h2 id="ledger">{m.title}</h2>
      <form method="get" action={page} class="row">
        <label for="status">{m.status}</label>
        <select id="status" name="status">
          {(['', ...FILTER_STATUSES] as const).map((s) => (
            <option value={s} selected={s === filters.status}>
              {s ? m.statuses[s] : t().common.any}
            </option>
          ))}
        </select>
        <label for="user_id">{m.userId}</label>
        <input type="text" id="user_id" name="user_id" value={filters.user_id} />
        <button type="submit">{t().common.filter}</button>
        <a href={csv}>{m.exportCsv}</a>
      </form>
      {!ledger.ok ? (
        <ErrorBox message={problemText(ledger)} />
      ) : (
        <>
          <p>{m.rows(ledger.body.total)}</p>
          <LedgerTable rows={ledger.body.items} frame={props.frame} />
          <Pager
            path={`/strategies/${props.strategyId}`}
            query={{ status: filters.status, user_id: filters.user_id }}
            cursor={filters.cursor}
            next={ledger.body.next_cursor}
            testId="ledger-pager"
          />
        </>
      )}
    </section>
  );
}

export function LedgerTable(props: {
  rows: LedgerEntryJson[];
  showStrategy?: boolean;
  frame: TimeFrame;
}) {
  const m = t().ledger;
  return (
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">{m.number}</th>
            {props.showStrategy && <th scope="col">{m.strategy}</th>}
            <th scope="col">{m.user}</th>
            <th scope="col">{m.occurrence}</th>
            <th scope="col">{m.mode}</th>
            <GrantAmountHeads />
            <th scope="col">{m.status}</th>
            <th scope="col">{m.attempts}</th>
            <th scope="col">{m.created}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr>
              <td>{r.id}</td>
              {props.showStrategy && (
                <td>
                  <a href={`${base()}/strategies/${r.strategy_id}`}>{r.strategy_id}</a>
                </td>
              )}
              <td>
                <a href={`${base()}/users/${encodeURIComponent(r.user_id)}`}>{r.user_id}</a>
              </td>
              <td>
                <When at={r.occurrence} frame={props.frame} />
              </td>
              <td>{t().strategies.modes[r.mode]}</td>
              <GrantAmountCells row={r} />
              <td>
                <span class={`status status-${r.status}`}>{m.statuses[r.status]}</span>
                {r.last_error && (
                  <div class="hint" lang="en">
                    {r.last_error}
                  </div>
                )}
              </td>
              <td>{r.attempts}</td>
              <td>
                <When at={r.created_at} frame={props.frame} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
