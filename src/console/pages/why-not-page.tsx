// Why not? Pick a strategy and a user: the API's explanation — the verdict, its reasons, and the
// condition tree with each node true (green), false (red) or unknown (grey) and the attribute
// values it read. Colour is never the only signal: each node also says its result in words.
import { problemText } from '../api-client.ts';
import type {
  ExplainNodeJson,
  ExplanationJson,
  PageJson,
  StrategyJson,
} from '../../contract/wire-types.ts';
import type { ConsoleApp } from '../console-env.ts';
import { base, ErrorBox, Layout, Unavailable } from './layout.tsx';
import { LedgerTable } from './strategy-sections.tsx';

export function registerWhyNotPage(app: ConsoleApp): void {
  app.get('/why-not', async (c) => {
    const api = c.get('api');
    const strategyId = c.req.query('strategy_id') ?? '';
    const userId = (c.req.query('user_id') ?? '').trim();
    const occurrence = (c.req.query('occurrence') ?? '').trim();
    const strategies = await api.get<PageJson<StrategyJson>>('/api/v1/strategies', { limit: 1000 });
    const explained =
      strategyId && userId
        ? await api.get<ExplanationJson>(
            `/api/v1/strategies/${encodeURIComponent(strategyId)}/explain/${encodeURIComponent(userId)}`,
            { occurrence },
          )
        : undefined;
    return c.html(
      <Layout title="Why not?" session={c.get('session')} active="why-not">
        <form method="get" action={`${base()}/why-not`} class="card row">
          <label for="strategy_id">Strategy</label>
          <select id="strategy_id" name="strategy_id" required>
            {(strategies.ok ? strategies.body.items : []).map((s) => (
              <option value={String(s.id)} selected={String(s.id) === strategyId}>
                {s.name}
              </option>
            ))}
          </select>
          <label for="user_id">User id</label>
          <input type="text" id="user_id" name="user_id" value={userId} required />
          <label for="occurrence">Occurrence (optional)</label>
          <input
            type="text"
            id="occurrence"
            name="occurrence"
            value={occurrence}
            placeholder="next, or ISO time"
          />
          <button type="submit">Explain</button>
        </form>
        {explained?.missing && (
          <Unavailable
            what="Explaining a decision"
            route="GET /api/v1/strategies/{id}/explain/{user_id}"
          />
        )}
        {explained && !explained.ok && !explained.missing && (
          <ErrorBox message={problemText(explained)} />
        )}
        {explained?.ok && <ExplanationView explanation={explained.body} />}
      </Layout>,
    );
  });
}

function ExplanationView(props: { explanation: ExplanationJson }) {
  const e = props.explanation;
  return (
    <section class="card" data-testid="explanation">
      <h2>
        Verdict:{' '}
        <span class={`verdict verdict-${e.verdict}`} data-testid="verdict">
          {e.verdict.replaceAll('_', ' ')}
        </span>
      </h2>
      <p>Occurrence: {e.occurrence ?? 'once'}</p>
      {e.reasons.length > 0 && (
        <ul>
          {e.reasons.map((r) => (
            <li>{r}</li>
          ))}
        </ul>
      )}
      {e.condition && (
        <>
          <h3>Condition</h3>
          <ul class="tree" data-testid="explain-tree">
            <TreeNode node={e.condition} />
          </ul>
        </>
      )}
      {e.ledger && (
        <>
          <h3>Ledger row</h3>
          <LedgerTable rows={[e.ledger]} showStrategy />
        </>
      )}
    </section>
  );
}

function TreeNode(props: { node: ExplainNodeJson }) {
  const { node } = props;
  const result = node.result === 'unknown' ? 'unknown' : node.result ? 'true' : 'false';
  const observed = Object.entries(node.observed);
  return (
    <li class={`node node-${result}`} data-result={result}>
      <span class="result">{result}</span> <code>{node.text}</code>
      {observed.length > 0 && (
        <span class="observed">
          {' '}
          — {observed.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')}
        </span>
      )}
      {node.children.length > 0 && (
        <ul>
          {node.children.map((child) => (
            <TreeNode node={child} />
          ))}
        </ul>
      )}
    </li>
  );
}
