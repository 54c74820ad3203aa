// In-memory evaluation with three-valued logic. The scanner uses it for the residual of
// gateway-dependent conditions, so the common path (no quota-*) is synchronous inside and only
// gateway-dependent branches await. Gateway lookups happen last and only when the rest of the
// condition has not already decided the answer (and/or are commutative in Kleene logic, so
// evaluating them in another order never changes the result).
import {
  unreachable,
  type ConditionAst,
  type LogicalCall,
  type NotCall,
  type QuotaCall,
} from './ast.ts';
import { needsGateway } from './gateway.ts';
import { assertTimeZone, instantOf } from './timestamp.ts';
import { and3, not3, or3, truth, type Truth } from './truth.ts';
import type { ConditionUser, EvaluationContext } from './user.ts';

/** Leaves that read only the user record (everything but logic and quota-*). */
export type UserLeaf = Exclude<ConditionAst, LogicalCall | NotCall | QuotaCall>;

/** A timestamp attribute compared with an instant; a missing or invalid time is UNKNOWN. */
function compareTime(
  time: Date | null,
  instant: number,
  compare: (time: number, instant: number) => boolean,
): Truth {
  if (time === null) return 'UNKNOWN';
  const ms = time.getTime();
  return Number.isNaN(ms) ? 'UNKNOWN' : truth(compare(ms, instant));
}

export function evaluateUserLeaf(node: UserLeaf, user: ConditionUser, timeZone: string): Truth {
  switch (node.name) {
    case 'true':
      return 'TRUE';
    case 'false':
      return 'FALSE';
    case 'match-user':
      return truth(node.args.some((arg) => arg.value === user.id));
    case 'github-star':
      return truth(node.args.some((arg) => user.githubStars.includes(arg.value)));
    case 'belong-to':
      return user.org === null ? 'UNKNOWN' : truth(node.args.some((arg) => arg.value === user.org));
    case 'is-vip':
      return truth(user.vip >= node.args[0].value);
    case 'register-before':
      return compareTime(
        user.registerTime,
        instantOf(node.args[0].value, timeZone),
        (t, i) => t <= i,
      );
    case 'register-after':
      return compareTime(
        user.registerTime,
        instantOf(node.args[0].value, timeZone),
        (t, i) => t > i,
      );
    case 'access-after':
      return compareTime(user.accessTime, instantOf(node.args[0].value, timeZone), (t, i) => t > i);
    case 'access-before':
      return compareTime(user.accessTime, instantOf(node.args[0].value, timeZone), (t, i) => t < i);
    default:
      return unreachable(node);
  }
}

export function compareQuota(node: QuotaCall, quota: number | null): Truth {
  if (quota === null || Number.isNaN(quota)) return 'UNKNOWN';
  const n = node.args[1].value;
  return truth(node.name === 'quota-le' ? quota <= n : quota >= n);
}

/** Evaluates a node that does not depend on the gateway, short-circuiting and/or. */
function evaluateSync(node: ConditionAst, user: ConditionUser, timeZone: string): Truth {
  switch (node.name) {
    case 'and': {
      let result: Truth = 'TRUE';
      for (const arg of node.args) {
        result = and3(result, evaluateSync(arg, user, timeZone));
        if (result === 'FALSE') return result;
      }
      return result;
    }
    case 'or': {
      let result: Truth = 'FALSE';
      for (const arg of node.args) {
        result = or3(result, evaluateSync(arg, user, timeZone));
        if (result === 'TRUE') return result;
      }
      return result;
    }
    case 'not':
      return not3(evaluateSync(node.args[0], user, timeZone));
    case 'quota-le':
    case 'quota-ge':
      // Unreachable: evaluate() sends every gateway-dependent node down the async path.
      return 'UNKNOWN';
    default:
      return evaluateUserLeaf(node, user, timeZone);
  }
}

/** One gateway lookup per evaluation, started only when first needed. */
export function lazyQuota(userId: string, ctx: EvaluationContext): () => Promise<number | null> {
  let pending: Promise<number | null> | undefined;
  return () => {
    if (ctx.quota === undefined) return Promise.resolve(null);
    pending ??= ctx.quota(userId);
    return pending;
  };
}

async function evaluateAsync(
  node: ConditionAst,
  user: ConditionUser,
  timeZone: string,
  quota: () => Promise<number | null>,
): Promise<Truth> {
  if (!needsGateway(node)) return evaluateSync(node, user, timeZone);
  switch (node.name) {
    case 'and':
    case 'or': {
      const combine = node.name === 'and' ? and3 : or3;
      const decisive: Truth = node.name === 'and' ? 'FALSE' : 'TRUE';
      let result: Truth = node.name === 'and' ? 'TRUE' : 'FALSE';
      // Local arguments first: they may decide the result without asking the gateway.
      for (const arg of node.args) {
        if (needsGateway(arg)) continue;
        result = combine(result, evaluateSync(arg, user, timeZone));
        if (result === decisive) return result;
      }
      for (const arg of node.args) {
        if (!needsGateway(arg)) continue;
        result = combine(result, await evaluateAsync(arg, user, timeZone, quota));
        if (result === decisive) return result;
      }
      return result;
    }
    case 'not':
      return not3(await evaluateAsync(node.args[0], user, timeZone, quota));
    case 'quota-le':
    case 'quota-ge':
      return compareQuota(node, await quota());
    default:
      return evaluateSync(node, user, timeZone);
  }
}

/**
 * TRUE, FALSE or UNKNOWN for one user. A user qualifies only on TRUE. Throws
 * InvalidTimeZoneError for an unknown `ctx.timeZone`; rejects if `ctx.quota` rejects.
 */
export async function evaluate(
  ast: ConditionAst,
  user: ConditionUser,
  ctx: EvaluationContext,
): Promise<Truth> {
  assertTimeZone(ctx.timeZone);
  if (!needsGateway(ast)) return evaluateSync(ast, user, ctx.timeZone);
  return evaluateAsync(ast, user, ctx.timeZone, lazyQuota(user.id, ctx));
}
