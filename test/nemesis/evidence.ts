// The written record of a history, for a person replaying it: the plan, what each step did,
// the verdict, and for every key the checker blamed its ledger row, its deltas and the daemon
// log lines that name its user.
import type { DeltaLogEntry } from '../support/delta-log.ts';
import { decodeKey, type CheckReport } from './checker.ts';
import type { Observed } from './observe.ts';
import type { Plan } from './schedule.ts';

export interface EvidenceInput {
  plan: Plan;
  stepLog: readonly string[];
  report: CheckReport;
  deltas: readonly DeltaLogEntry[];
  observed: Observed;
  daemonOutput: string;
}

const MAX_KEYS = 10;
const MAX_LINES_PER_KEY = 30;

/** The key a report line is about: everything before its first ": ". */
const keyOf = (line: string) => line.split(': ')[0]!;

export function blamedKeys(report: CheckReport): string[] {
  const lines = [
    ...report.doubleGrants,
    ...report.appliedWithoutDelta,
    ...report.missingGrants,
    ...report.orphanDeltas,
    ...report.deltasOnOpenRows,
    ...report.wrongValue,
    ...report.topUpOvershoots,
  ];
  return [...new Set(lines.map(keyOf))].slice(0, MAX_KEYS);
}

export function evidence(input: EvidenceInput): string {
  const { plan, report } = input;
  const daemonLines = input.daemonOutput.split('\n');
  const sections = [
    `plan: ${JSON.stringify(plan)}`,
    `steps:\n${input.stepLog.join('\n')}`,
    `report: ${JSON.stringify(report, null, 1)}`,
    `lease lost lines: ${daemonLines.filter((l) => l.includes('scan lease lost')).length}`,
  ];
  for (const key of blamedKeys(report)) {
    const userId = key.split(':').at(-1)!;
    const rows = input.observed.ledger.filter((r) => r.idempotencyKey === key);
    const deltas = input.deltas.filter(
      (d) => d.idempotency_key !== null && decodeKey(d.idempotency_key) === key,
    );
    const lines = daemonLines.filter((l) => l.includes(userId)).slice(0, MAX_LINES_PER_KEY);
    sections.push(
      [
        `== ${key}`,
        `ledger: ${JSON.stringify(rows)}`,
        `deltas: ${JSON.stringify(deltas)}`,
        `daemon lines naming ${userId}:`,
        ...lines,
      ].join('\n'),
    );
  }
  return sections.join('\n\n');
}
