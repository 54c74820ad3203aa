// "Why did / didn't this user match?": the evaluation as a tree, each node with its value and
// the user attributes it read. Unlike `evaluate` it does not short-circuit, so every node gets
// a value (the overall value is the same: Kleene and/or do not depend on evaluation order).
// The explain routes and `quota-manager explain` show this tree (core/use-cases/explain-user.ts).
// The gateway is still asked at most once, and only if the condition uses quota-*.
import { unreachable, type ConditionAst, type ConstantCall } from './ast.ts';
import { compareQuota, evaluateUserLeaf, lazyQuota, type UserLeaf } from './evaluate.ts';
import { format } from './format.ts';
import { assertTimeZone, instantOf } from './timestamp.ts';
import { and3, not3, or3, type Truth } from './truth.ts';
import type { ConditionUser, EvaluationContext } from './user.ts';

export interface ExplainNode {
  /** The node in canonical form, e.g. `is-vip(2)`. */
  text: string;
  value: Truth;
  function?: string;
  /** What a predicate compared: the user's attribute values and the condition's arguments. */
  inputs?: Record<string, unknown>;
  children?: ExplainNode[];
}

function iso(date: Date | null): string | null {
  return date === null || Number.isNaN(date.getTime()) ? null : date.toISOString();
}

async function explainNode(
  node: ConditionAst,
  user: ConditionUser,
  timeZone: string,
  quota: () => Promise<number | null>,
): Promise<ExplainNode> {
  const base = { text: format(node), function: node.name };
  switch (node.name) {
    case 'and':
    case 'or': {
      const children: ExplainNode[] = [];
      for (const arg of node.args) children.push(await explainNode(arg, user, timeZone, quota));
      const combine = node.name === 'and' ? and3 : or3;
      const value = children
        .map((child) => child.value)
        .reduce(combine, node.name === 'and' ? 'TRUE' : 'FALSE');
      return { ...base, value, children };
    }
    case 'not': {
      const child = await explainNode(node.args[0], user, timeZone, quota);
      return { ...base, value: not3(child.value), children: [child] };
    }
    case 'quota-le':
    case 'quota-ge': {
      const total = await quota();
      return {
        ...base,
        value: compareQuota(node, total),
        inputs: { quota: total, model: node.args[0].value, n: node.args[1].value },
      };
    }
    case 'true':
    case 'false':
      return { ...base, value: evaluateUserLeaf(node, user, timeZone) };
    default: {
      const value = evaluateUserLeaf(node, user, timeZone);
      return { ...base, value, inputs: leafInputs(node, user, timeZone) };
    }
  }
}

function leafInputs(
  node: Exclude<UserLeaf, ConstantCall>,
  user: ConditionUser,
  timeZone: string,
): Record<string, unknown> {
  switch (node.name) {
    case 'match-user':
      return { id: user.id, ids: node.args.map((arg) => arg.value) };
    case 'github-star':
      return { githubStars: [...user.githubStars], repos: node.args.map((arg) => arg.value) };
    case 'belong-to':
      return { org: user.org, orgs: node.args.map((arg) => arg.value) };
    case 'is-vip':
      return { vip: user.vip, level: node.args[0].value };
    case 'register-before':
    case 'register-after':
    case 'access-after':
    case 'access-before': {
      const literal = node.args[0].value;
      const attribute = node.name.startsWith('register') ? 'registerTime' : 'accessTime';
      return {
        [attribute]: iso(attribute === 'registerTime' ? user.registerTime : user.accessTime),
        time: literal,
        timeZone,
        instant: new Date(instantOf(literal, timeZone)).toISOString(),
      };
    }
    default:
      return unreachable(node);
  }
}

/** The evaluation tree for one user; same errors as `evaluate`. */
export async function explain(
  ast: ConditionAst,
  user: ConditionUser,
  ctx: EvaluationContext,
): Promise<ExplainNode> {
  assertTimeZone(ctx.timeZone);
  return explainNode(ast, user, ctx.timeZone, lazyQuota(user.id, ctx));
}
