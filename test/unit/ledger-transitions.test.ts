// The ledger's transition table is written down twice: as data in the code
// (core/model/ledger-transitions.ts, which the SQL statements and the model test use) and as a
// table in docs/reliability.md, for operators and reviewers. They must say the same.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  LEDGER_TRANSITIONS,
  nextLedgerState,
  statusesFor,
} from '../../src/core/model/ledger-transitions.ts';

function documentedTransitions(): string[] {
  const doc = readFileSync('docs/reliability.md', 'utf8');
  const start = doc.indexOf('| state | event | who | new state |');
  expect(start).toBeGreaterThan(0);
  const rows: string[] = [];
  for (const line of doc.slice(start).split('\n').slice(2)) {
    if (!line.startsWith('|')) break;
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim().replaceAll('`', ''));
    rows.push(cells.join(' '));
  }
  return rows;
}

describe('ledger transitions', () => {
  it('docs/reliability.md prints exactly the table the code applies', () => {
    const code = LEDGER_TRANSITIONS.map((t) => `${t.from} ${t.event} ${t.who} ${t.to}`);
    expect(documentedTransitions()).toEqual(code);
  });

  it('refuses what the table does not allow', () => {
    expect(nextLedgerState('applied', 'mark', 'holder')).toBeNull();
    expect(nextLedgerState('applied', 'not_applied', 'marker')).toBeNull();
    expect(nextLedgerState('sending', 'applied', 'holder')).toBeNull();
    expect(nextLedgerState('pending', 'mark', 'operator')).toBeNull();
    expect(nextLedgerState('unknown', 'mark', 'holder')).toBeNull();
    expect(nextLedgerState('sending', 'resolve_retry', 'operator')).toBeNull();
  });

  it('gives each event the statuses its compare-and-set accepts', () => {
    expect(statusesFor('mark').sort()).toEqual(['failed', 'pending', 'sending']);
    expect(statusesFor('applied')).toEqual(['sending']);
    expect(statusesFor('defer')).toEqual(['sending']);
    expect(statusesFor('resolve_applied').sort()).toEqual(['failed', 'unknown']);
  });
});
