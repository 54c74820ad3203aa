// "Did you mean …?" for misspelt function names.
import { closestName } from '../core/closest-name.ts';
import { FUNCTION_REGISTRY } from './registry.ts';

/**
 * The registered name the operator most likely meant, or undefined. Case and `_` vs `-` are
 * forgiven first (`IS_VIP` → `is-vip`); otherwise the closest name within a third of its length
 * in edits (`is-vp`, `github-stars`, `belongto`).
 */
export function suggestFunctionName(name: string): string | undefined {
  return closestName(
    name,
    FUNCTION_REGISTRY.map((f) => f.name),
    (text) => text.toLowerCase().replace(/_/g, '-'),
  );
}
