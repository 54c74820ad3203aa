// Unknown grants: ledger rows whose gateway outcome the daemon could not know. An operator
// checks the gateway and resolves one or many: applied (it arrived) or retry (send again with
// the same idempotency key). The list comes from GET /api/v1/grants?status=unknown; a server
// without that route is read strategy by strategy (its deleted strategies are then not listed,
// and the page says so). Beside each row: the user's balance at the gateway now (GET
// /api/v1/users/{id}/balance, read through the daemon's gateway client), to compare with what
// the grant read before sending, what it sent and its target, as its mode's guidance says.
import { problemText, type ApiClient } from '../api-client.ts';
import type {
  GatewayBalanceJson,
  LedgerEntryJson,
  PageJson,
  StrategyJson,
} from '../../contract/wire-types.ts';
import { field, fields, type ConsoleApp } from '../console-env.ts';
import {
  base,
  ConfirmPage,
  CsrfField,
  ErrorBox,
  Flash,
  fmtAmount,
  fmtTime,
  Layout,
} from './layout.tsx';
import { GrantAmountCells, GrantAmountHeads } from './ledger-amounts.tsx';

async function unknownRows(
  api: ApiClient,
): Promise<{ rows: LedgerEntryJson[]; perStrategy: boolean; error?: string }> {
  const all = await api.get<PageJson<LedgerEntryJson>>('/api/v1/grants', {
    status: 'unknown',
    limit: 500,
  });
  if (all.ok) return { rows: all.body.items, perStrategy: false };
  if (!all.missing) return { rows: [], perStrategy: false, error: problemText(all) };
  const strategies = await api.get<PageJson<StrategyJson>>('/api/v1/strategies', { limit: 1000 });
  if (!strategies.ok) return { rows: [], perStrategy: true, error: problemText(strategies) };
  const pages = await Promise.all(
    strategies.body.items.map((s) =>
      api.get<PageJson<LedgerEntryJson>>(`/api/v1/strategies/${s.id}/executions`, {
        status: 'unknown',
        limit: 500,
      }),
    ),
  );
  return { rows: pages.flatMap((p) => (p.ok ? p.body.items : [])), perStrategy: true };
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
    users.map((id) =>
      api.get<GatewayBalanceJson>(`/api/v1/users/${encodeURIComponent(id)}/balance`),
    ),
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
    const { rows, perStrategy, error } = await unknownRows(c.get('api'));
    const balances = await gatewayBalances(c.get('api'), rows);
    const session = c.get('session');
    const admin = session.role === 'admin';
    return c.html(
      <Layout title="Unknown grants" session={session} active="unknown-grants">
        <Flash message={c.req.query('done')} />
        <ErrorBox message={c.req.query('error') ?? error} />
        <p class="hint">
          For each grant, compare the user's balance at the gateway now with what the grant did
          (usage since then lowers the balance), then resolve: <strong>applied</strong> if the grant
          arrived, <strong>retry</strong> to send it again with the same idempotency key on the next
          scan.
          {perStrategy &&
            ' Listed strategy by strategy: this server has no GET /api/v1/grants, so grants of deleted strategies are not shown.'}
        </p>
        <ModeGuidance
          modes={new Set(rows.filter((r) => r.strategy_id !== EXPIRIES).map((r) => r.mode))}
          expiries={rows.some((r) => r.strategy_id === EXPIRIES)}
        />
        {rows.length === 0 ? (
          <p data-testid="no-unknown">No grant has an unknown outcome.</p>
        ) : admin ? (
          <form
            method="post"
            action={`${base()}/unknown-grants/resolve`}
            data-confirm="Resolve the selected grants?"
          >
            <CsrfField session={session} />
            <GrantsTable rows={rows} balances={balances} admin />
            <p>
              <button type="submit" name="resolution" value="applied">
                Mark applied
              </button>{' '}
              <button type="submit" name="resolution" value="retry">
                Retry
              </button>
            </p>
          </form>
        ) : (
          <GrantsTable rows={rows} balances={balances} admin={false} />
        )}
      </Layout>,
    );
  });

  app.post('/unknown-grants/resolve', async (c) => {
    const resolution = field(c, 'resolution');
    const grants = [...fields(c, 'grant'), ...field(c, 'grants').split(',')].filter((g) =>
      /^\d+:\d+$/.test(g),
    );
    const back = `${base()}/unknown-grants`;
    if (grants.length === 0 || (resolution !== 'applied' && resolution !== 'retry'))
      return c.redirect(
        `${back}?error=${encodeURIComponent('Select at least one grant and applied or retry.')}`,
        303,
      );
    if (field(c, 'confirmed') !== 'yes')
      return c.html(
        <ConfirmPage
          session={c.get('session')}
          question={`Resolve ${grants.length} grant(s) as ${resolution}?`}
          action={`${back}/resolve`}
          fields={{ grants: grants.join(','), resolution }}
          back={back}
        />,
      );
    const failures: string[] = [];
    for (const grant of grants) {
      const [strategyId, executionId] = grant.split(':');
      // Expiries (strategy 0) are resolved at their own route: strategy 0 is no strategy.
      const path =
        strategyId === '0'
          ? `/api/v1/lots/expiries/${executionId}/resolve`
          : `/api/v1/strategies/${strategyId}/executions/${executionId}/resolve`;
      const answer = await c.get('api').post(path, { resolution });
      if (!answer.ok) failures.push(`#${executionId}: ${problemText(answer)}`);
    }
    const resolved = grants.length - failures.length;
    const query: Record<string, string> = failures.length
      ? { done: `Resolved ${resolved}.`, error: `Refused: ${failures.join('; ')}` }
      : { done: `Resolved ${resolved} as ${resolution}.` };
    return c.redirect(`${back}?${new URLSearchParams(query).toString()}`, 303);
  });
}

/** How to tell whether a grant arrived depends on what its mode sends. */
const GUIDANCE: Record<string, string> = {
  add:
    'add grants: the grant reads no balance before sending ("balance before" is empty); it ' +
    'arrived if the balance now is about its amount above what the user had (the gateway log of ' +
    'its idempotency key is the surer check).',
  top_up:
    'top_up grants: the grant read "balance before" and sent the difference to the target; it ' +
    'arrived if the balance now is near the target, not near the balance before.',
  reset:
    'reset grants: the grant sets the balance to the target; it arrived if the balance now is ' +
    'the target (less usage since), whatever "balance before" was.',
};

/** The strategy id of lot expiries' ledger rows (core/lots/lot.ts). */
const EXPIRIES = 0;

const EXPIRY_GUIDANCE =
  'lot expiries ("lot expiry"): the row takes back an expired lot\'s remainder with a negative ' +
  'delta; it arrived if the balance now is about that amount below what the user had.';

function ModeGuidance(props: { modes: Set<string>; expiries: boolean }) {
  const modes = Object.keys(GUIDANCE).filter((mode) => props.modes.has(mode));
  if (modes.length === 0 && !props.expiries) return null;
  return (
    <ul class="hint">
      {modes.map((mode) => (
        <li data-testid={`guidance-${mode}`}>{GUIDANCE[mode]}</li>
      ))}
      {props.expiries && <li data-testid="guidance-expiry">{EXPIRY_GUIDANCE}</li>}
    </ul>
  );
}

function GatewayBalanceCell(props: { balance: GatewayBalanceJson | 'unavailable' | undefined }) {
  const b = props.balance;
  if (b === undefined) return <td>not read (over {BALANCES_READ} users)</td>;
  if (b === 'unavailable') return <td>not available on this server</td>;
  if (b.balance === null) return <td class="error">unreadable: {b.error}</td>;
  return (
    <td class="num" title={`read ${fmtTime(b.read_at)} (${b.protocol}, used ${b.used ?? '—'})`}>
      {fmtAmount(b.balance)}
    </td>
  );
}

function GrantsTable(props: {
  rows: LedgerEntryJson[];
  balances: Map<string, GatewayBalanceJson | 'unavailable'>;
  admin: boolean;
}) {
  const { rows, admin, balances } = props;
  return (
    <div class="scroll">
      <table data-testid="unknown-grants">
        <thead>
          <tr>
            {admin && <th scope="col">Select</th>}
            <th scope="col">Strategy</th>
            <th scope="col">User</th>
            <th scope="col">Occurrence</th>
            <th scope="col">Mode</th>
            <GrantAmountHeads />
            <th scope="col" class="num">
              Gateway balance now
            </th>
            <th scope="col">Attempts</th>
            <th scope="col">Last error</th>
            <th scope="col">Since</th>
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
                    aria-label={`Select grant ${r.id} of ${r.user_id}`}
                  />
                </td>
              )}
              <td>
                {r.strategy_id === EXPIRIES ? (
                  'lot expiry'
                ) : (
                  <a href={`${base()}/strategies/${r.strategy_id}`}>{r.strategy_id}</a>
                )}
              </td>
              <td>
                <a href={`${base()}/users/${encodeURIComponent(r.user_id)}`}>{r.user_id}</a>
              </td>
              {/* An expiry's occurrence names its lot: `<strategy>:<occurrence>`. */}
              <td>{r.strategy_id === EXPIRIES ? r.occurrence : fmtTime(r.occurrence)}</td>
              <td>{r.mode}</td>
              <GrantAmountCells row={r} />
              <GatewayBalanceCell balance={balances.get(r.user_id)} />
              <td>{r.attempts}</td>
              <td>{r.last_error ?? ''}</td>
              <td>{fmtTime(r.updated_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
