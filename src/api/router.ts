// The router every route module builds on: one validation hook, so every schema failure
// becomes the same 400 problem. Kept apart from app.ts so route modules do not import the app.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { ZodError } from 'zod';
import type { Caller } from './access-tokens.ts';
import { problemResponse } from './problem-response.ts';

/**
 * `caller` is set on /api routes once the token is checked; `signal` is aborted when the request
 * times out or its client goes away (the work it started then stops).
 */
export type AppEnv = { Variables: { requestId: string; caller: Caller; signal: AbortSignal } };
export type ApiApp = OpenAPIHono<AppEnv>;

export function newRouter(): ApiApp {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}

/** Every schema failure becomes one 400 problem listing each field. */
function validationHook(
  result: { success: boolean; error?: ZodError; target?: string },
  c: Context,
) {
  if (result.success || !result.error) return;
  const details = result.error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join('.') : (result.target ?? 'body'),
    // Our own refinements name their problem (`amount_precision`, …) instead of zod's `custom`.
    code:
      issue.code === 'custom' && typeof issue.params?.code === 'string'
        ? issue.params.code
        : issue.code,
    message: issue.message,
  }));
  // A bad cursor alone has its own code: a client's paging loop can tell it from its own input.
  return details.every((d) => d.code === 'invalid_cursor')
    ? problemResponse(c, 'invalid_cursor', 'The cursor is not valid for this list', details)
    : problemResponse(c, 'validation_failed', 'The request is not valid', details);
}
