// Names that no other test in the run uses: strategies and users of one harness share a
// database, and strategy names are unique.
let seq = 0;

export const unique = (prefix: string): string =>
  `${prefix}-${++seq}-${Math.random().toString(36).slice(2, 7)}`;
