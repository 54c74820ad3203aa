// The error funnel's last step: a problem (contract/problem.ts) sent as application/problem+json
// with the request's id.
import type { Context } from 'hono';
import type { ErrorCode, ErrorDetail } from '../core/errors.ts';
import { problem, STATUS_BY_CODE } from '../contract/problem.ts';

export function problemResponse(
  c: Context,
  code: ErrorCode,
  detail: string,
  errors: readonly ErrorDetail[] = [],
): Response {
  const body = problem(code, detail, errors, c.get('requestId' as never) as string | undefined);
  return c.body(JSON.stringify(body), STATUS_BY_CODE[code], {
    'content-type': 'application/problem+json',
  });
}
