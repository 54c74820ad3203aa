// The cheapest answer a tick can give for a single strategy: nothing to do. Most ticks of a
// daemon find exactly that, and on a database across the network every statement is a round
// trip: a run takes and gives back the lease, re-reads the strategy and pages through the ledger
// three times before it finds out (9 statements per strategy, 91 for 10 strategies, measured).
// This check is three reads, none of them a write, and no lease: a strategy it calls up to date
// has no work a lease would protect.
import { parse } from '../../condition/index.ts';
import type { DueOccurrence } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import type { RunDeps } from './run-deps.ts';
import { continuesFrom } from './scan-plan.ts';

/**
 * True when a run of this single strategy would neither settle nor grant anything: no ledger
 * rows are left to settle, and (when its occurrence is due) its last completed scan, at this
 * version, reached `changeSequence`, the counter read at the start of the tick, so no user row
 * changed since (scan-plan.ts says why that is enough). Anything else, including a condition
 * that reads the gateway or a full scan that is due, is left to a real run.
 */
export async function isUpToDate(
  strategy: Strategy,
  due: readonly DueOccurrence[],
  deps: Pick<RunDeps, 'store' | 'clock' | 'fullScans' | 'ledgerMaxAttempts'>,
  changeSequence: () => Promise<number>,
): Promise<boolean> {
  if (strategy.type !== 'single') return false;
  if (await deps.store.hasRowsToSettle(strategy.id, deps.ledgerMaxAttempts)) return false;
  // Outside its window a single strategy's run only settles, and there is nothing to settle.
  if (due.length === 0) return true;
  const parsed = parse(strategy.condition);
  if (!parsed.ok) return false; // a real run logs why
  const position = await deps.store.scanPosition(strategy.id);
  const upTo = await changeSequence();
  // Would continue from its position, and that position is already the counter: nothing to read.
  return continuesFrom(strategy, parsed.ast, position, upTo, deps) && position.changeSeq === upTo;
}
