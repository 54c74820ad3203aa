// Every change of a hold's state, in one place: an occurrence becomes held (a budget cap would
// be exceeded), is released (the caps allow it now), approved (an operator lets it past the
// caps once), or closed without a grant — superseded by a newer occurrence of a strategy that
// skips missed runs, dismissed by an operator, or released when the strategy is disabled. What
// should follow a change (a log line, an outgoing event) is added here, once.
import type { Approval, ClosedHoldStatus, OccurrenceBook } from '../ports/scan-store.ts';
import type { CoreLogger } from '../ports/runtime-services.ts';
import type { Strategy } from '../model/strategy.ts';

type Book = Pick<
  OccurrenceBook,
  'markOccurrenceHeld' | 'releaseHold' | 'approveOccurrence' | 'closeHolds'
>;

/** Marks the occurrence held; true when it was not held before (log and alert once). */
export const holdOccurrence = (book: Book, strategyId: number, occurrence: string) =>
  book.markOccurrenceHeld(strategyId, occurrence);

/** A held occurrence whose caps allow it now goes back to open. */
export const releaseHold = (book: Book, strategyId: number, occurrence: string) =>
  book.releaseHold(strategyId, occurrence);

/** An operator's approval past the caps, bound to what it was given for. */
export const approveHold = (
  book: Book,
  strategyId: number,
  occurrence: string,
  approval: Approval,
) => book.approveOccurrence(strategyId, occurrence, approval);

async function closeHolds(
  book: Book,
  logger: Pick<CoreLogger, 'info'>,
  strategyId: number,
  status: ClosedHoldStatus,
  which?: { occurrence?: string; before?: string },
): Promise<string[]> {
  const closed = await book.closeHolds(strategyId, status, which);
  if (closed.length > 0)
    logger.info('held occurrences closed without a grant', {
      strategy_id: strategyId,
      status,
      occurrences: closed,
    });
  return closed;
}

/**
 * A strategy that skips missed runs never runs an older occurrence again once a newer one is
 * due, so holds of older ones would only pile up (one per tick): they are superseded.
 */
export function supersedeOlderHolds(
  book: Book,
  logger: Pick<CoreLogger, 'info'>,
  strategy: Pick<Strategy, 'id' | 'type' | 'missedRuns'>,
  occurrence: string,
): Promise<string[]> {
  if (strategy.type !== 'periodic' || strategy.missedRuns !== 'skip') return Promise.resolve([]);
  return closeHolds(book, logger, strategy.id, 'superseded', { before: occurrence });
}

/** An operator's "no" to one held occurrence: it is closed, nothing is granted for it. */
export const dismissHold = (
  book: Book,
  logger: Pick<CoreLogger, 'info'>,
  strategyId: number,
  occurrence: string,
) => closeHolds(book, logger, strategyId, 'dismissed', { occurrence });

/** A disabled strategy holds nothing: enabling it again starts from what is due then. */
export const releaseHoldsOfDisabled = (
  book: Book,
  logger: Pick<CoreLogger, 'info'>,
  strategyId: number,
) => closeHolds(book, logger, strategyId, 'released');
