// Completes the generated OpenAPI document with what route declarations cannot know, because
// middleware produces it: the shared error responses and an example per error code.
import type { ErrorCode, ErrorDetail } from '../core/errors.ts';
import { viewerMayCall } from './access-tokens.ts';
import { problem, STATUS_BY_CODE } from '../contract/problem.ts';
import { EXAMPLE_REQUEST_ID } from '../contract/schemas.ts';

/** The parts of an OpenAPI document that completeDocument reads and writes. */
interface MediaObject {
  schema?: { $ref?: string };
  examples?: Record<string, unknown>;
}
interface ResponseObject {
  description?: string;
  content?: Partial<Record<string, MediaObject>>;
}
interface OperationObject {
  responses?: Record<string, ResponseObject>;
  security?: unknown[];
  requestBody?: { content?: Partial<Record<string, MediaObject>> };
  parameters?: unknown[];
}
interface OpenApiDocument {
  security?: unknown[];
  paths?: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Partial<Record<string, { properties?: Record<string, unknown> }>> };
}

const EXAMPLE_DETAIL: Partial<Record<ErrorCode, { detail: string; errors?: ErrorDetail[] }>> = {
  validation_failed: {
    detail: 'The request is not valid',
    errors: [
      {
        field: 'amount',
        code: 'too_small',
        message: 'must be greater than 0 when mode is "add" (0 is allowed for top_up and reset)',
      },
    ],
  },
  invalid_condition: {
    detail: 'The condition is not valid',
    errors: [
      {
        field: 'condition',
        line: 1,
        column: 1,
        length: 6,
        code: 'unknown_function',
        message: 'unknown function "is-vp"; did you mean "is-vip"?',
      },
    ],
  },
  invalid_cursor: {
    detail: 'The cursor is not valid for this list',
    errors: [
      {
        field: 'cursor',
        code: 'invalid_cursor',
        message: 'not a cursor this API returned for this list',
      },
    ],
  },
  unauthorized: { detail: 'a valid admin token is required: Authorization: Bearer <ADMIN_TOKEN>' },
  forbidden: {
    detail:
      'token "viewer-bot" has the viewer role: it may read, preview, explain and validate only',
  },
  rate_limited: { detail: 'more than 600 requests per minute to this route; retry later' },
  unsupported_media_type: { detail: 'request bodies must be application/json' },
  internal: { detail: 'An internal error occurred; the request id is in the log' },
  database_unavailable: { detail: 'The database is unavailable; try again shortly' },
};

const RESPONSE_DESCRIPTION: Record<string, string> = {
  '400': 'Invalid input',
  '401': 'Missing or wrong token',
  '403': 'The token has the viewer role, which may not make this change',
  '429':
    'Too many requests from this client (API_RATE_LIMIT_PER_MINUTE); retry after Retry-After seconds',
  '413': 'The request body is too large',
  '415': 'The request body is not JSON',
  '500': 'Unexpected error (details only in the log, under the request id)',
  '503': 'The database is unavailable; retry later',
};

function problemExamples(
  status: string,
  codes: ErrorCode[],
  bodyLimitBytes: number,
): Record<string, unknown> {
  const examples: Record<string, unknown> = {};
  for (const code of codes) {
    // The 413 example quotes the limit this daemon is configured with.
    const example =
      code === 'payload_too_large'
        ? { detail: `request bodies are limited to ${bodyLimitBytes} bytes` }
        : EXAMPLE_DETAIL[code];
    if (!example || String(STATUS_BY_CODE[code]) !== status) continue;
    examples[code] = {
      summary: code,
      value: problem(code, example.detail, example.errors ?? [], EXAMPLE_REQUEST_ID),
    };
  }
  return examples;
}

/** Error codes a response of this status may carry on this operation. */
function codesFor(status: string, operation: OperationObject): ErrorCode[] {
  const all = (Object.keys(STATUS_BY_CODE) as ErrorCode[]).filter(
    (code) => String(STATUS_BY_CODE[code]) === status,
  );
  const bodyRef: string = operation.requestBody?.content?.['application/json']?.schema?.$ref ?? '';
  const takesCursor = (operation.parameters ?? []).some(
    (p) => (p as { name?: string }).name === 'cursor',
  );
  // Only strategy bodies carry a condition that the condition checker can reject, and only
  // keyset lists a cursor.
  return all.filter(
    (code) =>
      (code !== 'invalid_condition' || /Strategy(Input|Patch)$/.test(bodyRef)) &&
      (code !== 'invalid_cursor' || takesCursor),
  );
}

/**
 * Adds what the route declarations cannot know, because middleware produces it: 401 on secured
 * operations, 403 where a viewer token is refused, 413/415 on operations with a body, 500
 * everywhere, 429 and 503 under /api; every problem
 * response gets an example per error code. Also lists the error codes in the Problem schema.
 */
export function completeDocument<T extends object>(document: T, bodyLimitBytes: number): T {
  // The generator's types describe every OpenAPI object; this walk needs only a few fields.
  const doc = document as OpenApiDocument;
  const globalSecurity: unknown[] = doc.security ?? [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(item)) {
      const responses = (operation.responses ??= {});
      const secured = (operation.security ?? globalSecurity).length > 0;
      const wanted = new Set<string>(['500']);
      if (secured) wanted.add('401');
      if (path.startsWith('/api/')) {
        wanted.add('503');
        wanted.add('429');
        if (!viewerMayCall(method.toUpperCase(), path)) wanted.add('403');
      }
      if (operation.requestBody) for (const status of ['400', '413', '415']) wanted.add(status);
      if ((operation.parameters ?? []).length > 0) wanted.add('400');
      for (const status of wanted) {
        responses[status] ??= {
          description: RESPONSE_DESCRIPTION[status],
          content: {
            'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
          },
        };
      }
      for (const [status, response] of Object.entries(responses)) {
        const media = response.content?.['application/problem+json'];
        if (!media) continue;
        // A route that declared its own examples (its 404s and 409s) knows its errors best.
        if (media.examples) continue;
        const examples = problemExamples(status, codesFor(status, operation), bodyLimitBytes);
        if (Object.keys(examples).length > 0) media.examples = examples;
      }
    }
  }
  const problemSchema = doc.components?.schemas?.Problem;
  if (problemSchema?.properties?.code) {
    problemSchema.properties.code = {
      type: 'string',
      enum: Object.keys(STATUS_BY_CODE),
      description: 'Machine-readable error code',
    };
  }
  return document;
}
