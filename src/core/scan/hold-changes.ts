// Every change of a hold's state, in one place: an occurrence becomes held (a budget cap would
// be exceeded), is released (the caps allow it now), approved (an operator lets it past the
// caps once), or closed without a grant — superseded by a newer occurrence of a strategy that
// skips missed runs, dismissed by an operator, or released when the strategy is disabled. What
// should follow a change (a log line, an outgoing event) is added here, once.
import type { Approval, ClosedHoldStatus, OccurrenceBook } from '../ports/scan-store.ts';
import type { CoreLogger } from '../ports/runtime-services.ts';
import type { AuditDraft } from '../model/audit.ts';
import type { DomainEvent } from '../model/domain-event.ts';
import type { Strategy } from '../model/strategy.ts';

type Book = Pick<
  OccurrenceBook,
  'markOccurrenceHeld' | 'releaseHold' | 'approveOccurrence' | 'closeHolds' | 'dismissOccurrence'
>;

/**
 * Marks the occurrence held; true when it was not held before (log and alert once). The
 * `occurrence.held` event is written with the change, in its transaction.
 */
export const holdOccurrence = (
  book: Book,
  strategyId: number,
  occurrence: string,
  event?: DomainEvent,
) => book.markOccurrenceHeld(strategyId, occurrence, event);

/** A held occurrence whose caps allow it now goes back to open. */
export const releaseHold = (book: Book, strategyId: number, occurrence: string) =>
  book.releaseHold(strategyId, occurrence);

/**
 * An operator's approval past the caps, bound to what it was given for, with its audit row in
 * the same transaction; false when the occurrence is no longer held.
 */
export const approveHold = (
  book: Book,
  strategyId: number,
  occurrence: string,
  approval: Approval,
  audit: AuditDraft,
) => book.approveOccurrence(strategyId, occurrence, approval, audit);

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

/**
 * An operator's "no" to one held occurrence: it is closed, nothing is granted for it; written
 * with its audit row in one transaction. False when it was not held.
 */
export async function dismissHold(
  book: Book,
  logger: Pick<CoreLogger, 'info'>,
  strategyId: number,
  occurrence: string,
  audit: AuditDraft,
): Promise<boolean> {
  const dismissed = await book.dismissOccurrence(strategyId, occurrence, audit);
  if (dismissed)
    logger.info('held occurrences closed without a grant', {
      strategy_id: strategyId,
      status: 'dismissed',
      occurrences: [occurrence],
    });
  return dismissed;
}

/** A disabled strategy holds nothing: enabling it again starts from what is due then. */
export const releaseHoldsOfDisabled = (
  book: Book,
  logger: Pick<CoreLogger, 'info'>,
  strategyId: number,
) => closeHolds(book, logger, strategyId, 'released');
