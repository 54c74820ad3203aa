// The Higress ai-quota answer shape, used for every mock answer including errors.
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type MockContext = Context<{ Bindings: HttpBindings }>;

export interface EnvelopeBody {
  code: number;
  message: string;
  success: boolean;
  data: unknown;
}

/** `{ code, message, success, data }`; `code` mirrors the HTTP status, `success` is status < 400. */
export function envelopeBody(status: number, message: string, data: unknown = null): EnvelopeBody {
  return { code: status, message, success: status < 400, data };
}

export function envelope(
  c: MockContext,
  status: number,
  message: string,
  data: unknown = null,
): Response {
  return c.json(envelopeBody(status, message, data), status as ContentfulStatusCode);
}
