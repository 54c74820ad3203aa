// Which functions a condition uses, and whether it needs the gateway (quota-le/ge). Not used
// by the daemon yet; the operator-trust issue shows it with each strategy.
import type { ConditionAst } from './ast.ts';
import { needsGateway } from './gateway.ts';

export function conditionFunctions(ast: ConditionAst): {
  functions: string[];
  needsGateway: boolean;
} {
  const names = new Set<string>();
  const visit = (node: ConditionAst): void => {
    names.add(node.name);
    for (const arg of node.args) if (arg.kind === 'call') visit(arg);
  };
  visit(ast);
  return { functions: [...names].sort(), needsGateway: needsGateway(ast) };
}
