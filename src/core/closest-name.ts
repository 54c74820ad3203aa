// "Did you mean …?": the one edit-distance rule behind every suggestion the daemon makes
// (condition function names, strategy names on the command line, time zones).

/** Optimal string alignment distance: edits, counting a swap of neighbours as one. */
export function editDistance(a: string, b: string): number {
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

/** Input longer than this is no typo worth an O(n·m) comparison per candidate. */
const LONGEST_TYPO = 64;

/**
 * The candidate the input most likely meant, or undefined. A candidate equal to the input
 * after `normalize` wins at once (case, `_` for `-`, whatever the caller forgives); otherwise the
 * closest within a third of the candidate's length in edits (at least one). Ties go to the first.
 */
export function closestName(
  input: string,
  candidates: Iterable<string>,
  normalize: (text: string) => string = (text) => text.toLowerCase(),
): string | undefined {
  if (input.length > LONGEST_TYPO) return undefined;
  const wanted = normalize(input);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const normalized = normalize(candidate);
    if (normalized === wanted) return candidate;
    if (Math.abs(normalized.length - wanted.length) >= bestDistance) continue;
    const distance = editDistance(wanted, normalized);
    const allowed = Math.max(1, Math.floor(candidate.length / 3));
    if (distance <= allowed && distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
