// One error type for everything the daemon reports on purpose. The code is a closed union so
// the HTTP layer's code → status map (src/contract/problem.ts) is exhaustive and checked by tsc.

export type ErrorCode =
  | 'validation_failed'
  | 'invalid_condition'
  /** A list's `cursor` that is not, unchanged, one the same list handed out. */
  | 'invalid_cursor'
  | 'unauthorized'
  /** A valid token whose role does not allow the request (a viewer asking for a change). */
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  /** A change sent with If-Match whose tag is not the strategy's current one (edited since). */
  | 'precondition_failed'
  /** A run of a periodic occurrence that is already done (never scanned again) and has nothing to settle. */
  | 'occurrence_done'
  /** A run (or approval) of a disabled strategy: enable it first; a preview is always allowed. */
  | 'strategy_disabled'
  /** An approval of an occurrence that is not held by a budget cap. */
  | 'occurrence_not_held'
  /** A webhook delivery older than GITHUB_WEBHOOK_MAX_AGE_MS (a replay must not undo newer state). */
  | 'stale_delivery'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'request_timeout'
  | 'database_unavailable'
  | 'internal';

/** One problem inside a request: a field (`strategy.amount`) or a position in a condition. */
export interface ErrorDetail {
  field?: string;
  line?: number;
  column?: number;
  length?: number;
  code?: string;
  message: string;
  /** (Conditions) what would have been accepted at this position. */
  expected?: string[];
  /** (Conditions) a replacement for the underlined text, e.g. `true()` for an empty one. */
  suggestion?: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const preconditionFailed = (what: string, id: string | number) =>
  new AppError(
    'precondition_failed',
    `${what} ${id} has changed since the If-Match tag was read: read it again (GET) and retry`,
  );

export const notFound = (what: string, id: string | number) =>
  new AppError('not_found', `${what} ${id} does not exist`);
