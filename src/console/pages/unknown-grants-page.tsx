// Unknown grants: ledger rows whose gateway outcome the daemon could not know. An operator
// checks the gateway and resolves one or many: applied (it arrived) or retry (send again with
// the same idempotency key). The list comes from GET /api/v1/grants?status=unknown; a server
// without that route is read strategy by strategy (its deleted strategies are then not listed,
// and the page says so). Beside each row: the user's balance at the gateway now (GET
// /api/v1/users/{id}/balance, read through the daemon's gateway client), to compare with what
// the grant read before sending, what it sent and its target, as its mode's guidance says.
import { problemText, type ApiClient } from '../api-client.ts';
import type { GatewayBalanceJson, LedgerEntryJson } from '../api-types.ts';
import { field, fields, type ConsoleApp } from '../console-env.ts';
import { base, ConfirmPage, CsrfField, ErrorBox, fmtAmount, fmtTime, Layout } from './layout.tsx';
import { notice, RedirectNotices, withNotices } from './notices.tsx';
import { When, type TimeFrame } from './instant.tsx';
import { daemonTimeFrame } from './time-frame.ts';
import { GrantAmountCells, GrantAmountHeads } from './ledger-amounts.tsx';
import { t } from '../i18n/current.ts';
import { Pager } from './pager.tsx';

/** Unknown grants per page, newest first (each page reads the balances of its users). */
const UNKNOWN_PER_PAGE = 100;

async function unknownRows(
  api: ApiClient,
  cursor: string | undefined,
): Promise<{
  rows: LedgerEntryJson[];
  perStrategy: boolean;
  next: string | null;
  error?: string;
}> {
  const all = await api.get('/api/v1/grants', {
    query: { status: 'unknown', limit: UNKNOWN_PER_PAGE, cursor },
  });
  if (all.ok) return { rows: all.body.items, perStrategy: false, next: all.body.next_cursor };
  if (!all.missing) return { rows: [], perStrategy: false, next: null, error: problemText(all) };
  const strategies = await api.get('/api/v1/strategies', { query: { limit: 1000 } });
  if (!strategies.ok)
    return { rows: [], perStrategy: true, next: null, error: problemText(strategies) };
  const pages = await Promise.all(
    strategies.body.items.map((s) =>
      api.get('/api/v1/strategies/:id/executions', {
        param: { id: s.id },
        query: { status: 'unknown', limit: 500 },
      }),
    ),
  );
  return { rows: pages.flatMap((p) => (p.ok ? p.body.items : [])), perStrategy: true, next: null };
}

/** How many users' balances one page load reads from the gateway at most. */
const BALANCES_READ = 100;

/** Each listed user's balance at the gateway now (the first BALANCES_READ users). */
async function gatewayBalances(
  api: ApiClient,
  rows: LedgerEntryJson[],
): Promise<Map<string, GatewayBalanceJson | 'unavailable'>> {
  const users = [...new Set(rows.map((r) => r.user_id))].slice(0, BALANCES_READ);
  const answers = await Promise.all(
    users.map((id) => api.get('/api/v1/users/:id/balance', { param: { id } })),
  );
  return new Map(
    users.map((id, i) => {
      const answer = answers[i]!;
      return [id, answer.ok ? answer.body : ('unavailable' as const)];
    }),
  );
}

export function registerUnknownGrantsPage(app: ConsoleApp): void {
  app.get('/unknown-grants', async (c) => {
    const cursor = c.req.query('cursor') || undefined;
    const { rows, perStrategy, next, error } = await unknownRows(c.get('api'), cursor);
    const [balances, frame] = await Promise.all([
      gatewayBalances(c.get('api'), rows),
      daemonTimeFrame(c.get('api')),
    ]);
    const session = c.get('session');
    const admin = session.role === 'admin';
    const m = t().unknown;
    return c.html(
      <Layout title={m.title} session={session} active="unknown-grants">
        <RedirectNotices query={c.req.query()} />
        <ErrorBox message={error} />
        <p class="hint">
          {m.intro(<strong>{m.appliedWord}</strong>, <strong>{m.retryWord}</strong>)}
          {perStrategy && m.perStrategy(<code>GET /api/v1/grants</code>)}
        </p>
        <ModeGuidance
          modes={new Set(rows.filter((r) => r.strategy_id !== EXPIRIES).map((r) => r.mode))}
          expiries={rows.some((r) => r.strategy_id === EXPIRIES)}
        />
        {rows.length === 0 ? (
          <p data-testid="no-unknown">{m.none}</p>
        ) : admin ? (
          <form
            method="post"
            action={`${base()}/unknown-grants/resolve`}
            data-confirm={m.resolveQuestion}
          >
            <CsrfField session={session} />
            <GrantsTable rows={rows} balances={balances} admin frame={frame} />
            <p>
              <button type="submit" name="resolution" value="applied">
                {m.markApplied}
              </button>{' '}
              <button type="submit" name="resolution" value="retry">
                {m.retry}
              </button>
            </p>
          </form>
        ) : (
          <GrantsTable rows={rows} balances={balances} admin={false} frame={frame} />
        )}
        <Pager
          path="/unknown-grants"
          query={{}}
          cursor={cursor}
          next={next}
          testId="unknown-grants-pager"
        />
      </Layout>,
    );
  });

  app.post('/unknown-grants/resolve', async (c) => {
    const resolution = field(c, 'resolution');
    const grants = [...fields(c, 'grant'), ...field(c, 'grants').split(',')].filter((g) =>
      /^\d+:\d+$/.test(g),
    );
    const back = `${base()}/unknown-grants`;
    const m = t().unknown;
    if (grants.length === 0 || (resolution !== 'applied' && resolution !== 'retry'))
      return c.redirect(withNotices(back, notice('resolve-select-some')), 303);
    if (field(c, 'confirmed') !== 'yes')
      return c.html(
        <ConfirmPage
          session={c.get('session')}
          question={m.resolveCount(grants.length, m.resolutions[resolution])}
          action={`${back}/resolve`}
          fields={{ grants: grants.join(','), resolution }}
          back={back}
        />,
      );
    const failures: string[] = [];
    for (const grant of grants) {
      const [strategyId, executionId] = grant.split(':');
      // Expiries (strategy 0) are resolved at their own route: strategy 0 is no strategy.
      const api = c.get('api');
      const answer =
        strategyId === '0'
          ? await api.post(
              '/api/v1/lots/expiries/:execution_id/resolve',
              { resolution },
              { param: { execution_id: executionId ?? '' } },
            )
          : await api.post(
              '/api/v1/strategies/:id/executions/:execution_id/resolve',
              { resolution },
              { param: { id: strategyId ?? '', execution_id: executionId ?? '' } },
            );
      if (!answer.ok) failures.push(`#${executionId}: ${problemText(answer)}`);
    }
    const resolved = grants.length - failures.length;
    const outcome = failures.length
      ? [
          notice('resolved', { count: resolved }),
          notice('resolve-refused', { failures: failures.join('; ') }),
        ]
      : [notice('resolved-as', { count: resolved, resolution })];
    return c.redirect(withNotices(back, ...outcome), 303);
  });
}

/** The strategy id of lot expiries' ledger rows (core/lots/lot.ts). */
const EXPIRIES = 0;

/** How to tell whether a grant arrived depends on what its mode sends (one note per mode). */
function ModeGuidance(props: { modes: Set<string>; expiries: boolean }) {
  const guidance: Record<string, string> = t().unknown.guidance;
  const modes = Object.keys(guidance).filter((mode) => props.modes.has(mode));
  if (modes.length === 0 && !props.expiries) return null;
  return (
    <ul class="hint">
      {modes.map((mode) => (
        <li data-testid={`guidance-${mode}`}>{guidance[mode]}</li>
      ))}
      {props.expiries && <li data-testid="guidance-expiry">{t().unknown.expiryGuidance}</li>}
    </ul>
  );
}

function GatewayBalanceCell(props: { balance: GatewayBalanceJson | 'unavailable' | undefined }) {
  const b = props.balance;
  const m = t();
  if (b === undefined) return <td>{m.unknown.notRead(BALANCES_READ)}</td>;
  if (b === 'unavailable') return <td>{m.common.notAvailableHere}</td>;
  if (b.balance === null)
    return (
      <td class="error">
        {m.unknown.unreadable}
        <span lang="en">{b.error}</span>
      </td>
    );
  return (
    <td
      class="num"
      title={m.unknown.balanceTitle(fmtTime(b.read_at), b.protocol, String(b.used ?? '—'))}
    >
      {fmtAmount(b.balance)}
    </td>
  );
}

function GrantsTable(props: {
  rows: LedgerEntryJson[];
  balances: Map<string, GatewayBalanceJson | 'unavailable'>;
  admin: boolean;
  frame: TimeFrame;
}) {
  const { rows, admin, balances } = props;
  const m = t();
  return (
    <div class="scroll">
      <table data-testid="unknown-grants">
        <thead>
          <tr>
            {admin && <th scope="col">{m.unknown.select}</th>}
            <th scope="col">{m.ledger.strategy}</th>
            <th scope="col">{m.ledger.user}</th>
            <th scope="col">{m.ledger.occurrence}</th>
            <th scope="col">{m.ledger.mode}</th>
            <GrantAmountHeads />
            <th scope="col" class="num">
              {m.unknown.gatewayBalanceNow}
            </th>
            <th scope="col">{m.ledger.attempts}</th>
            <th scope="col">{m.unknown.lastError}</th>
            <th scope="col">{m.unknown.since}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              {admin && (
                <td>
                  <input
                    type="checkbox"
                    name="grant"
                    value={`${r.strategy_id}:${r.id}`}
                    id={`grant-${r.id}`}
                    aria-label={m.unknown.selectGrant(r.id, r.user_id)}
                  />
                </td>
              )}
              <td>
                {r.strategy_id === EXPIRIES ? (
                  m.unknown.lotExpiry
                ) : (
                  <a href={`${base()}/strategies/${r.strategy_id}`}>{r.strategy_id}</a>
                )}
              </td>
              <td>
                <a href={`${base()}/users/${encodeURIComponent(r.user_id)}`}>{r.user_id}</a>
              </td>
              {/* An expiry's occurrence names its lot: `<strategy>:<occurrence>`. */}
              <td>
                {r.strategy_id === EXPIRIES ? (
                  r.occurrence
                ) : (
                  <When at={r.occurrence} frame={props.frame} />
                )}
              </td>
              <td>{m.strategies.modes[r.mode]}</td>
              <GrantAmountCells row={r} />
              <GatewayBalanceCell balance={balances.get(r.user_id)} />
              <td>{r.attempts}</td>
              <td lang="en">{r.last_error ?? ''}</td>
              <td>
                <When at={r.updated_at} frame={props.frame} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
