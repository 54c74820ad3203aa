// "Did you mean …?" for misspelt function names.
import { FUNCTION_REGISTRY } from './registry.ts';

/** Optimal string alignment distance: edits, counting a swap of neighbours as one. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[rows - 1]![cols - 1]!;
}

/**
 * The registered name the operator most likely meant, or undefined. Case and `_` vs `-` are
 * forgiven first (`IS_VIP` → `is-vip`); otherwise the closest name within a third of its length
 * in edits (`is-vp`, `github-stars`, `belongto`).
 */
export function suggestFunctionName(name: string): string | undefined {
  // Names are short; longer input is not a typo worth an O(n·m) comparison.
  if (name.length > 40) return undefined;
  const normalized = name.toLowerCase().replace(/_/g, '-');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const { name: candidate } of FUNCTION_REGISTRY) {
    if (candidate === normalized) return candidate;
    const distance = editDistance(normalized, candidate);
    const allowed = Math.max(1, Math.floor(candidate.length / 3));
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
