// The parts of a strategy's page: its fields, the preview of one occurrence, its ledger.
import type { ApiAnswer } from '../api-client.ts';
import { problemText } from '../api-client.ts';
import type {
  HeldJson,
  LedgerEntryJson,
  PageJson,
  StrategyJson,
} from '../../contract/wire-types.ts';
import { strategyFieldEntries, type FieldSpec } from '../../contract/strategy-wire.ts';
import { base, ErrorBox, fmtAmount, fmtTime } from './layout.tsx';
import type { Child } from 'hono/jsx';
import { CronText } from './cron-words.tsx';
import { Instant } from './instant.tsx';
import { GrantAmountCells, GrantAmountHeads } from './ledger-amounts.tsx';
import type { PreviewResult } from './strategy-data.ts';

/** Occurrences a budget cap holds: what each would grant in total against the caps. */
export function HeldList(props: { held: HeldJson[]; testId: string }) {
  const cap = (n: number | null) => (n === null ? 'none' : fmtAmount(n));
  return (
    <div class="notice error" role="status" id={props.testId} data-testid={props.testId}>
      <p>Held by the budget (nothing is granted until the cap is raised or it is approved):</p>
      <ul>
        {props.held.map((h) => (
          <li>
            {fmtTime(h.occurrence)}: {h.needed_users} users, {fmtAmount(h.needed_amount)} in all
            (caps: {cap(h.max_users_per_occurrence)} users, {cap(h.max_amount_per_occurrence)}{' '}
            amount)
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A field's value for people, by its kind in the strategy field table. */
function shown(spec: FieldSpec, s: StrategyJson, now: Date): Child {
  const value = (s as Record<string, string | number | boolean | null | undefined>)[spec.wire];
  if (spec.wire === 'periodic_expr') return <CronText expression={s.periodic_expr} />;
  if (spec.wire === 'max_exec_per_user' && value === 0) return 'unlimited';
  if (spec.wire === 'missed_runs' && value === 'catch_up')
    return `catch_up (up to ${s.max_catch_up})`;
  if (value === null || value === undefined) return '—';
  if (spec.kind === 'boolean') return value ? 'yes' : 'no';
  if (spec.kind === 'amount') return fmtAmount(Number(value));
  if (spec.kind === 'date')
    return <Instant at={String(value)} zone={s.timezone} zoneOf="strategy" now={now} />;
  return String(value);
}

/** Shown elsewhere on the page: the name and title head it, the condition closes the list. */
const NOT_LISTED = new Set(['name', 'title', 'condition']);

export function FieldList(props: { strategy: StrategyJson; now: Date }) {
  const s = props.strategy;
  const rows: [string, Child][] = [
    ['id', String(s.id)],
    ['version', String(s.version)],
    ...strategyFieldEntries()
      .filter(([, spec]) => !NOT_LISTED.has(spec.wire))
      .map(([, spec]): [string, Child] => [spec.label.toLowerCase(), shown(spec, s, props.now)]),
  ];
  return (
    <dl class="fields">
      {rows.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
      <dt>condition</dt>
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
}) {
  const { preview, previewed, error } = props.result;
  const counts: [string, number | undefined][] = preview
    ? [
        ['matched', preview.matched],
        ['already granted', preview.already_granted],
        ['capped', preview.capped],
        ['held by budget', preview.held_by_budget],
        ['would grant', preview.would_grant],
      ]
    : [];
  return (
    <section class="card" aria-labelledby="preview" data-testid="preview">
      <h2 id="preview">Preview</h2>
      <form method="get" action={`${base()}/strategies/${props.strategyId}`} class="row">
        <label for="occurrence">Occurrence (ISO time, or next)</label>
        <input type="text" id="occurrence" name="occurrence" value={props.wanted} />
        <button type="submit">Preview</button>
      </form>
      <ErrorBox message={error} />
      {previewed === 'due' && (
        <p class="notice" role="status">
          This server cannot preview future occurrences; shown: the occurrence due now.
        </p>
      )}
      {preview && (
        <>
          <p>
            Occurrence{' '}
            <strong data-testid="preview-occurrence">{preview.occurrence ?? 'once'}</strong>
            {preview.occurrence_done ? ' (already done)' : ''}: would grant{' '}
            <strong data-testid="would-grant">{preview.would_grant}</strong> users,{' '}
            <strong>{fmtAmount(preview.total_amount)}</strong> in total.
          </p>
          <ul class="counts">
            {counts
              .filter(([, n]) => n !== undefined)
              .map(([label, n]) => (
                <li>
                  {label}: <strong>{n}</strong>
                </li>
              ))}
          </ul>
          {preview.sample_user_ids.length > 0 && (
            <p>
              Sample:{' '}
              {preview.sample_user_ids.map((u) => (
                <a href={`${base()}/users/${encodeURIComponent(u)}`}>{u} </a>
              ))}
            </p>
          )}
          {preview.held && <HeldList held={[preview.held]} testId="preview-held" />}
        </>
      )}
    </section>
  );
}

export function LedgerSection(props: {
  strategyId: number;
  filters: { status: string; user_id: string; offset: number };
  ledger: ApiAnswer<PageJson<LedgerEntryJson>>;
}) {
  const { filters, ledger } = props;
  const page = `${base()}/strategies/${props.strategyId}`;
  const csv = `${page}/ledger.csv?${new URLSearchParams({ status: filters.status, user_id: filters.user_id }).toString()}`;
  const total = ledger.ok ? (ledger.body.total ?? ledger.body.items.length) : 0;
  const nextOffset = filters.offset + 50;
  return (
    <section class="card" aria-labelledby="ledger" data-testid="ledger">
      <h2 id="ledger">Ledger</h2>
      <form method="get" action={page} class="row">
        <label for="status">Status</label>
        <select id="status" name="status">
          {['', 'pending', 'sending', 'applied', 'failed', 'unknown'].map((s) => (
            <option value={s} selected={s === filters.status}>
              {s || 'any'}
            </option>
          ))}
        </select>
        <label for="user_id">User id</label>
        <input type="text" id="user_id" name="user_id" value={filters.user_id} />
        <button type="submit">Filter</button>
        <a href={csv}>Export CSV</a>
      </form>
      {!ledger.ok ? (
        <ErrorBox message={problemText(ledger)} />
      ) : (
        <>
          <p>{total} rows</p>
          <LedgerTable rows={ledger.body.items} />
          {nextOffset < total && (
            <a
              href={`${page}?${new URLSearchParams({ status: filters.status, user_id: filters.user_id, offset: String(nextOffset) }).toString()}`}
            >
              Next page
            </a>
          )}
        </>
      )}
    </section>
  );
}

export function LedgerTable(props: { rows: LedgerEntryJson[]; showStrategy?: boolean }) {
  return (
    <div class="scroll">
      <table>
        <thead>
          <tr>
            <th scope="col">#</th>
            {props.showStrategy && <th scope="col">Strategy</th>}
            <th scope="col">User</th>
            <th scope="col">Occurrence</th>
            <th scope="col">Mode</th>
            <GrantAmountHeads />
            <th scope="col">Status</th>
            <th scope="col">Attempts</th>
            <th scope="col">Created</th>
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
              <td>{fmtTime(r.occurrence)}</td>
              <td>{r.mode}</td>
              <GrantAmountCells row={r} />
              <td>
                <span class={`status status-${r.status}`}>{r.status}</span>
                {r.last_error && <div class="hint">{r.last_error}</div>}
              </td>
              <td>{r.attempts}</td>
              <td>{fmtTime(r.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
