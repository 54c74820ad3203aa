// Why not? Pick a strategy and a user: the API's explanation — the verdict, its reasons, and the
// condition tree with each node true (green), false (red) or unknown (grey) and the attribute
// values it read. Colour is never the only signal: each node also says its result in words.
import { problemText } from '../api-client.ts';
import type { ExplainNodeJson } from '../../contract/serialize-explain.ts';
import type { ExplanationJson } from '../api-types.ts';
import type { ConsoleApp } from '../console-env.ts';
import { base, ErrorBox, Layout, Unavailable } from './layout.tsx';
import { LedgerTable } from './strategy-sections.tsx';
import { t } from '../i18n/current.ts';

export function registerWhyNotPage(app: ConsoleApp): void {
  app.get('/why-not', async (c) => {
    const api = c.get('api');
    const strategyId = c.req.query('strategy_id') ?? '';
    const userId = (c.req.query('user_id') ?? '').trim();
    const occurrence = (c.req.query('occurrence') ?? '').trim();
    const strategies = await api.get('/api/v1/strategies', { query: { limit: 1000 } });
    const explained =
      strategyId && userId
        ? await api.get('/api/v1/strategies/:id/explain/:user_id', {
            param: { id: strategyId, user_id: userId },
            query: { occurrence },
          })
        : undefined;
    const m = t().whyNot;
    return c.html(
      <Layout title={m.title} session={c.get('session')} active="why-not">
        <form method="get" action={`${base()}/why-not`} class="card row">
          <label for="strategy_id">{m.strategy}</label>
          <select id="strategy_id" name="strategy_id" required>
            {(strategies.ok ? strategies.body.items : []).map((s) => (
              <option value={String(s.id)} selected={String(s.id) === strategyId}>
                {s.name}
              </option>
            ))}
          </select>
          <label for="user_id">{m.userId}</label>
          <input type="text" id="user_id" name="user_id" value={userId} required />
          <label for="occurrence">{m.occurrence}</label>
          <input
            type="text"
            id="occurrence"
            name="occurrence"
            value={occurrence}
            placeholder={m.occurrencePlaceholder}
          />
          <button type="submit">{m.explain}</button>
        </form>
        {explained?.missing && (
          <Unavailable what={m.unavailable} route="GET /api/v1/strategies/{id}/explain/{user_id}" />
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
  const m = t().whyNot;
  return (
    <section class="card" data-testid="explanation">
      <h2>
        {m.verdict}
        <span class={`verdict verdict-${e.verdict}`} data-testid="verdict">
          {m.verdicts[e.verdict]}
        </span>
      </h2>
      <p>
        {m.occurrenceIs(!e.occurrence || e.occurrence === 'once' ? t().common.once : e.occurrence)}
      </p>
      {e.reasons.length > 0 && (
        // The reasons are the API's sentences (GET …/explain), shown as it words them.
        <ul lang="en">
          {e.reasons.map((r) => (
            <li>{r}</li>
          ))}
        </ul>
      )}
      {e.condition && (
        <>
          <h3>{m.conditionTitle}</h3>
          <ul class="tree" data-testid="explain-tree">
            {/* The schema leaves children untyped (it cannot say "a node like this one"); the
                serializer's type says what every node is. */}
            <TreeNode node={e.condition as unknown as ExplainNodeJson} />
          </ul>
        </>
      )}
      {e.ledger && (
        <>
          <h3>{m.ledgerRow}</h3>
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
      <span class="result">{t().whyNot.results[result]}</span> <code>{node.text}</code>
      {observed.length > 0 && (
        <span class="observed">
          {' '}
          — <code>{observed.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')}</code>
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
