// Which nodes of an evaluated tree decided its value: the leaves an operator must change (or
// learn about) to change the answer. Kleene's and/or make this exact: a FALSE `and` is decided
// by one FALSE operand (the first), an UNKNOWN one by an UNKNOWN operand (a FALSE one would have
// made it FALSE); a FALSE `or` by every operand (each had to fail), an UNKNOWN one by its
// UNKNOWN operands, a TRUE one by its first TRUE operand; a TRUE `and` by every operand. `not`
// passes the question to its operand with the sense inverted.
import type { ExplainNode } from './explain.ts';

export interface DecisiveNode {
  node: ExplainNode;
  /** Child indexes from the root to the node (the root itself: []). */
  path: number[];
  /** Under an odd number of `not`s: the node's own value is the opposite of what it decided. */
  negated: boolean;
}

function decidingChildren(node: ExplainNode): number[] {
  const children = node.children ?? [];
  const indexes = (value: ExplainNode['value']) =>
    children.flatMap((child, i) => (child.value === value ? [i] : []));
  if (node.function === 'not') return [0];
  if (node.function === 'and')
    return node.value === 'TRUE' ? children.map((_, i) => i) : indexes(node.value).slice(0, 1);
  if (node.function === 'or')
    return node.value === 'TRUE' ? indexes('TRUE').slice(0, 1) : indexes(node.value);
  return [];
}

/** The leaves that decided `root`'s value, left to right; never empty. */
export function decisiveNodes(
  root: ExplainNode,
  path: number[] = [],
  negated = false,
): DecisiveNode[] {
  const children = root.children ?? [];
  const deciding = children.length === 0 ? [] : decidingChildren(root);
  if (deciding.length === 0) return [{ node: root, path, negated }];
  const inner = negated !== (root.function === 'not');
  return deciding.flatMap((i) => decisiveNodes(children[i]!, [...path, i], inner));
}
