// The nemesis run's closing summary: histories, faults by kind, what the checker found, and
// how to replay every failing history.

export interface Totals {
  histories: number;
  injected: Record<string, number>;
  failed: { kind: string; seed: number; why: string[]; file: string }[];
  capOverruns: number;
  doubleGrants: number;
  /** Deltas that left a top-up-only user above the target. */
  topUpOvershoots: number;
  topUpDeltas: number;
  losses: number;
  unknown: number;
  notQuiet: number;
}

export function summarise(totals: Totals, wallMs: number): string {
  const faults = Object.entries(totals.injected)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const lines = [
    '== nemesis summary',
    `histories run: ${totals.histories} in ${Math.round(wallMs / 1000)} s`,
    `faults and steps injected: ${faults}`,
    `double grants: ${totals.doubleGrants}`,
    `top-up overshoots: ${totals.topUpOvershoots} (of ${totals.topUpDeltas} top-up deltas)`,
    `silent losses: ${totals.losses}`,
    `cap overruns: ${totals.capOverruns}`,
    `unknown rows (left for a person): ${totals.unknown}`,
    `histories that never went quiet: ${totals.notQuiet}`,
    `failed histories: ${totals.failed.length}`,
    ...totals.failed.map(
      (f) => `  --seed ${f.seed} --db ${f.kind}: ${f.why.join(' | ')} (evidence ${f.file})`,
    ),
  ];
  return lines.join('\n');
}
