// RFC 9457 problem details: the one shape every error response takes, and the HTTP status and
// problem type of each error code (the API answers with them, the console and scripts read them).
import type { ErrorCode, ErrorDetail } from '../core/errors.ts';

/** The statuses an error code can answer with (each one a status with a body). */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 429 | 500 | 503;

export const STATUS_BY_CODE: Record<ErrorCode, ProblemStatus> = {
  validation_failed: 400,
  invalid_condition: 400,
  invalid_cursor: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  occurrence_done: 409,
  strategy_disabled: 409,
  occurrence_not_held: 409,
  stale_delivery: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  request_timeout: 503,
  database_unavailable: 503,
  internal: 500,
};

const TITLE_BY_CODE: Record<ErrorCode, string> = {
  validation_failed: 'Invalid request',
  invalid_condition: 'Invalid condition',
  invalid_cursor: 'Invalid cursor',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  precondition_failed: 'Precondition failed',
  occurrence_done: 'Occurrence already done',
  strategy_disabled: 'Strategy disabled',
  occurrence_not_held: 'Occurrence not held',
  stale_delivery: 'Stale delivery',
  payload_too_large: 'Payload too large',
  unsupported_media_type: 'Unsupported media type',
  rate_limited: 'Too many requests',
  request_timeout: 'Request timed out',
  database_unavailable: 'Database unavailable',
  internal: 'Internal server error',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  request_id?: string;
  errors?: ErrorDetail[];
}

export function problem(
  code: ErrorCode,
  detail: string,
  errors: readonly ErrorDetail[] = [],
  requestId?: string,
): Problem {
  return {
    type: problemType(code),
    title: TITLE_BY_CODE[code],
    status: STATUS_BY_CODE[code],
    detail,
    code,
    ...(requestId ? { request_id: requestId } : {}),
    ...(errors.length > 0 ? { errors: [...errors] } : {}),
  };
}

/** The URI naming a kind of problem (RFC 9457 `type`). */
export function problemType(code: ErrorCode): string {
  return `https://quota-manager.dev/problems/${code.replaceAll('_', '-')}`;
}
