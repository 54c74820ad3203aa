// The error funnel: every error a request ends in becomes one problem-details answer. Ours
// (AppError) keep their code; the database adapter's are translated first; Hono's client errors
// (malformed JSON) are 400s; anything else is a generic 500 whose real message goes to the log.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError } from '../core/errors.ts';
import type { ApiDeps } from './deps.ts';
import { problemResponse } from './problem-response.ts';

export function errorResponse(raw: Error, c: Context, deps: ApiDeps): Response {
  const error = deps.translateError ? deps.translateError(raw) : raw;
  if (error instanceof AppError) {
    if (error.code === 'database_unavailable')
      deps.logger.warn('database unavailable', {
        request_id: c.get('requestId'),
        error: raw.message,
      });
    return problemResponse(c, error.code, error.message, error.details);
  }
  if (error instanceof HTTPException && error.status < 500) {
    // Hono's validators throw these for malformed JSON bodies.
    return problemResponse(c, 'validation_failed', error.message || 'malformed request');
  }
  // The real message goes to the log only; the client gets a generic body.
  deps.logger.error('unhandled error', {
    request_id: c.get('requestId'),
    error: raw.message,
    stack: raw.stack,
  });
  return problemResponse(c, 'internal', 'An internal error occurred; the request id is in the log');
}
