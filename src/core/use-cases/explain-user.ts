// "Why did user X not get it?": one user, one strategy, one occurrence. The answer leads with the
// user's own outcome (a ledger row), then gives the decision a run would make (condition, cap,
// budget, amount) even while the strategy is disabled or the occurrence not due — the moment an
// operator explains is often before enabling — and the strategy's state as separate facts. The
// verdict is the first that applies, in the order of EXPLAIN_VERDICTS; the condition tree is
// returned whatever it is (except for a user that does not exist), each node with the user
// attributes it read.
import { explain, parse, type ConditionAst, type ExplainNode } from '../../condition/index.ts';
import { AppError, notFound } from '../errors.ts';
import type { ExplainDecision, Explanation, ExplainVerdict } from '../model/explanation.ts';
import type { LedgerEntry } from '../model/ledger-entry.ts';
import type { Strategy } from '../model/strategy.ts';
import type { User } from '../model/user.ts';
import { grantAmountsInCents } from '../scan/grant-amount.ts';
import { budgetApplies, forecastOccurrence } from '../scan/occurrence-forecast.ts';
import { previewedOccurrence } from '../scan/occurrence-policy.ts';
import { lotExpiry } from '../scan/preview-occurrence.ts';
import { withSummary, type ExplanationFacts } from '../explanation-summary.ts';
import { strategyStateFor } from './explain-state.ts';
import type { CoreDeps } from './deps.ts';
import type { PreviewTarget } from './preview-strategy.ts';
import { requestScanDeps } from './request-scan-deps.ts';

type Deps = Pick<CoreDeps, 'scan' | 'users' | 'defaultTimeZone' | 'scope'>;

const LEDGER_VERDICTS: Record<LedgerEntry['status'], ExplainVerdict> = {
  applied: 'granted',
  pending: 'pending',
  // Sent, answer not recorded yet: as far as an operator is concerned, still on its way.
  sending: 'pending',
  unknown: 'unknown_outcome',
  failed: 'failed',
};

const REASONS: Record<ExplainVerdict, string> = {
  no_such_user: 'no user has this id',
  disabled: 'the strategy is disabled: nothing is granted until it is enabled',
  not_due_yet: 'no occurrence is due yet: the strategy has not reached its first fire time',
  outside_window: 'no occurrence is due: outside the strategy’s start_at/end_at window',
  occurrence_done: 'the occurrence is done: scans never revisit it',
  granted: 'the user was granted for this occurrence',
  pending: 'a grant for this occurrence is claimed and being sent',
  unknown_outcome:
    'a grant for this occurrence was sent but its outcome is unknown: resolve it as applied or retry',
  failed: 'the grant for this occurrence failed; later scans retry it while attempts remain',
  condition_false: 'the condition is false for this user',
  condition_unknown:
    'the condition is unknown for this user (an attribute it reads is missing, or the gateway quota could not be read)',
  capped: 'the user already reached max_exec_per_user grants of this strategy',
  held_by_budget: 'the occurrence is held by a budget cap: nothing is granted until approved',
  would_grant: 'the user would be granted at the next run of this occurrence',
};

const asConditionUser = (user: User) => ({ ...user, githubStars: [...user.githubStars] });

/** The evaluation tree of `ast` for one user (quota-* read from the gateway, read only). */
function explainTree(deps: Deps, ast: ConditionAst, user: User, timeZone: string) {
  const quota = (id: string) => deps.scan.gateway.getQuota(id);
  return explain(ast, asConditionUser(user), { timeZone, quota });
}

const centsToAmount = (cents: number | null) => (cents === null ? null : cents / 100);

/** The request's own scan deps: its gateway reads stop with it and are bounded. */
const forRequest = (deps: Deps): Deps => ({ ...deps, scan: requestScanDeps(deps) });

/** An answer with the verdict's reason and nothing found yet. */
const noFacts = (
  verdict: ExplainVerdict,
  occurrence: string | null,
  state: Explanation['state'],
): ExplanationFacts => ({
  verdict,
  occurrence,
  reasons: [REASONS[verdict]],
  condition: null,
  ledger: null,
  decision: null,
  amount: null,
  lotExpiresAt: null,
  state,
});

export async function explainUser(
  requestDeps: Deps,
  strategy: Strategy,
  userId: string,
  target?: PreviewTarget,
): Promise<Explanation> {
  const deps = forRequest(requestDeps);
  const now = deps.scan.clock.now();
  const occurrence = previewedOccurrence(strategy, target, now);
  const user = await deps.users.get(userId);
  const state = await strategyStateFor(strategy, occurrence, now, deps.scan.store);
  const answer = (verdict: ExplainVerdict, extra: Partial<ExplanationFacts> = {}) =>
    withSummary({ ...noFacts(verdict, occurrence, state), ...extra }, strategy);
  if (user === null) return answer('no_such_user');
  const parsed = parse(strategy.condition);
  if (!parsed.ok) throw new AppError('invalid_condition', 'the stored condition does not parse');
  const condition = await explainTree(deps, parsed.ast, user, strategy.timezone);
  const ledger = occurrence
    ? await deps.scan.store.findEntry(strategy.id, occurrence, userId)
    : null;
  const decision =
    ledger || occurrence === null
      ? null
      : await decide(deps, strategy, parsed.ast, { userId, occurrence, condition });
  const amount =
    decision === 'would_grant' || decision === 'held_by_budget'
      ? centsToAmount((await grantAmountsInCents(strategy, [userId], deps.scan))[0]!)
      : null;
  const verdicts = [
    ledger ? LEDGER_VERDICTS[ledger.status] : null,
    state.enabled ? null : 'disabled',
    ...stateVerdicts(strategy, occurrence, state),
    decision,
  ].filter((v): v is ExplainVerdict => v !== null);
  const verdict = verdicts[0] ?? 'outside_window';
  const lotExpiresAt =
    amount !== null && occurrence !== null ? lotExpiry(strategy, occurrence, now) : null;
  return answer(verdict, {
    condition,
    ledger,
    decision,
    amount,
    lotExpiresAt,
    // Every reason that applies, the verdict's first: none hides another.
    reasons: verdicts.map((v) => REASONS[v]),
  });
}

/** Why no run takes the occurrence up now, apart from the strategy being disabled. */
function stateVerdicts(
  strategy: Strategy,
  occurrence: string | null,
  state: Explanation['state'],
): ExplainVerdict[] {
  if (occurrence === null)
    return [
      strategy.endAt === null && state.nextOccurrence !== null ? 'not_due_yet' : 'outside_window',
    ];
  if (state.outsideWindow) return ['outside_window'];
  return state.occurrenceDone ? ['occurrence_done'] : [];
}

interface DecisionFacts {
  userId: string;
  occurrence: string;
  condition: ExplainNode;
}

async function decide(
  deps: Deps,
  strategy: Strategy,
  ast: ConditionAst,
  { userId, occurrence, condition }: DecisionFacts,
): Promise<ExplainDecision> {
  if (condition.value === 'FALSE') return 'condition_false';
  if (condition.value === 'UNKNOWN') return 'condition_unknown';
  if (strategy.maxExecPerUser > 0) {
    const counts = await deps.scan.store.countCountedEntries(strategy.id, [userId]);
    if ((counts.get(userId) ?? 0) >= strategy.maxExecPerUser) return 'capped';
  }
  if (budgetApplies(strategy, deps.scan)) {
    const forecast = await forecastOccurrence(strategy, ast, occurrence, {
      ...deps.scan,
      interactive: undefined,
    });
    if (forecast.held) return 'held_by_budget';
  }
  return 'would_grant';
}

/** Ad-hoc: the tree of any condition for one user (no strategy; the configured zone). */
export async function explainCondition(
  requestDeps: Deps,
  source: string,
  userId: string,
): Promise<ExplainNode> {
  const deps = forRequest(requestDeps);
  const parsed = parse(source);
  if (!parsed.ok)
    throw new AppError(
      'invalid_condition',
      'The condition is not valid',
      parsed.errors.map((e) => ({
        field: 'condition',
        code: e.code,
        line: e.line,
        column: e.column,
        length: e.length,
        message: e.message,
      })),
    );
  const user = await deps.users.get(userId);
  if (user === null) throw notFound('user', userId);
  return explainTree(deps, parsed.ast, user, deps.defaultTimeZone);
}
