// Which conditions depend on the AI gateway (quota-le / quota-ge), memoised per node: the
// evaluator asks for every node of every user, and ASTs are immutable.
import type { ConditionAst } from './ast.ts';
import { lookupFunction } from './registry.ts';

const cache = new WeakMap<ConditionAst, boolean>();

export function needsGateway(node: ConditionAst): boolean {
  let result = cache.get(node);
  if (result === undefined) {
    result =
      lookupFunction(node.name)?.needsGateway === true ||
      node.args.some((arg) => arg.kind === 'call' && needsGateway(arg));
    cache.set(node, result);
  }
  return result;
}
