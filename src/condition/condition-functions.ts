// Which functions a condition uses, and whether it needs the gateway (quota-le/ge). The scan
// plan asks the second: a condition that reads gateway balances cannot scan only the users that
// changed since the last run, because a balance changes without the user's row changing.
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
