// Why not? Pick a strategy and a user: the API's explanation — one sentence naming what decided
// (the decisive condition node in words, or the limit that applies), the verdict, its reasons,
// and the condition tree with each node true (green), false (red) or unknown (grey) and the
// attribute values it read, the decisive nodes marked. Colour is never the only signal: each
// node also says its result in words.
import { problemText, type ApiAnswer } from '../api-client.ts';
import type { ExplainNodeJson } from '../../contract/serialize-explain.ts';
import type { ExplanationJson, StrategyPageJson } from '../api-types.ts';
import type { ConsoleApp } from '../console-env.ts';
import { base, ErrorBox, Layout, Unavailable } from './layout.tsx';
import { When, type TimeFrame } from './instant.tsx';
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
        {explained?.ok && (
          <ExplanationView
            explanation={explained.body}
            frame={{ zone: zoneOf(strategies, strategyId), zoneOf: 'strategy', now: new Date() }}
          />
        )}
      </Layout>,
    );
  });
}

/** The chosen strategy's zone: its occurrences and grants are shown on its wall clock. */
function zoneOf(strategies: ApiAnswer<StrategyPageJson>, id: string): string {
  const chosen = strategies.ok ? strategies.body.items.find((s) => String(s.id) === id) : undefined;
  return chosen?.timezone ?? 'UTC';
}

export function ExplanationView(props: { explanation: ExplanationJson; frame: TimeFrame }) {
  const e = props.explanation;
  const m = t().whyNot;
  return (
    <section class="card" data-testid="explanation">
      {/* The API's sentence (GET …/explain), in English as it words it. */}
      <p class="summary" data-testid="explain-summary" lang="en">
        <strong>{e.summary}</strong>
      </p>
      <h2>
        {m.verdict}
        <span class={`verdict verdict-${e.verdict}`} data-testid="verdict">
          {m.verdicts[e.verdict]}
        </span>
      </h2>
      <p>
        {m.occurrenceIs(
          e.occurrence === null ? m.noneDue : <When at={e.occurrence} frame={props.frame} />,
        )}
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
            <TreeNode
              node={e.condition as unknown as ExplainNodeJson}
              path=""
              decisive={decisivePaths(e)}
            />
          </ul>
        </>
      )}
      {e.ledger && (
        <>
          <h3>{m.ledgerRow}</h3>
          <LedgerTable rows={[e.ledger]} showStrategy frame={props.frame} />
        </>
      )}
    </section>
  );
}

/** The decisive nodes' paths as `0.2.1` strings ('' is the root). */
const decisivePaths = (e: ExplanationJson) => new Set(e.decisive_nodes.map((p) => p.join('.')));

function TreeNode(props: { node: ExplainNodeJson; path: string; decisive: Set<string> }) {
  const { node, path, decisive } = props;
  const result = node.result === 'unknown' ? 'unknown' : node.result ? 'true' : 'false';
  const observed = Object.entries(node.observed);
  const decided = decisive.has(path);
  return (
    <li
      class={`node node-${result}${decided ? ' decisive' : ''}`}
      data-result={result}
      data-decisive={decided ? 'true' : undefined}
    >
      <span class="result">{t().whyNot.results[result]}</span> <code>{node.text}</code>
      {decided && <span class="decisive-mark">{t().whyNot.decided}</span>}
      {observed.length > 0 && (
        <span class="observed">
          {' '}
          — <code>{observed.map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')}</code>
        </span>
      )}
      {node.children.length > 0 && (
        <ul>
          {node.children.map((child, i) => (
            <TreeNode
              node={child}
              path={path === '' ? String(i) : `${path}.${i}`}
              decisive={decisive}
            />
          ))}
        </ul>
      )}
    </li>
  );
}
