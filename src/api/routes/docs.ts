// The API's description and its reader: /openapi.json (OpenAPI 3.1, generated from the zod
// schemas that validate requests, then completed with the error responses that cross-cutting
// middleware produces) and /docs, a Swagger UI page whose every asset is served by this process
// from the installed swagger-ui-dist package — no CDN, so it works on an air-gapped server.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ErrorCode, ErrorDetail } from '../../core/errors.ts';
import type { ApiApp } from '../router.ts';
import { problem, problemResponse, STATUS_BY_CODE } from '../problem.ts';
import { EXAMPLE_REQUEST_ID } from '../schemas.ts';

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

const DESCRIPTION = `Rule-driven quota recharge daemon for AI gateways.

**Authentication.** Everything under \`/api/v1\` requires \`Authorization: Bearer <ADMIN_TOKEN>\`.
\`/healthz\`, \`/readyz\`, \`/metrics\` (unless \`METRICS_TOKEN\` is set), \`/docs\` and
\`/openapi.json\` need no token.

**Errors** are RFC 9457 problem details (\`application/problem+json\`) with a machine-readable
\`code\`, the \`request_id\` of the request, and for 400s an \`errors\` list naming each field
(or line and column in a condition).

**Request ids.** Every response carries \`X-Request-Id\` (yours, when you send one); the same id is
in the daemon's log line for the request.`;

/** Apache-2.0, as chosen for the project (package.json states no other license). */
const LICENSE = { name: 'Apache-2.0', identifier: 'Apache-2.0' };

const TAGS = [
  {
    name: 'strategies',
    description:
      'Recharge rules: who gets how much quota, when; runs, previews and the ledger of each',
  },
  { name: 'users', description: 'The user attributes conditions read, fed by the operator' },
  {
    name: 'conditions',
    description: 'Check a condition before saving it; the functions it may use',
  },
  {
    name: 'statistics',
    description: 'How much was given away: totals per period and status, schedules, user histories',
  },
  { name: 'health', description: 'Liveness and readiness probes' },
  { name: 'operations', description: 'Prometheus metrics' },
];

/**
 * One example body per error code, as the daemon really writes it, for the responses every route
 * shares. 404 and 409 mean something different on each route, so routes declare their own
 * (schemas.ts) and none is made up here.
 */
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
  unauthorized: { detail: 'a valid admin token is required: Authorization: Bearer <ADMIN_TOKEN>' },
  payload_too_large: { detail: 'request bodies are limited to 262144 bytes' },
  unsupported_media_type: { detail: 'request bodies must be application/json' },
  internal: { detail: 'An internal error occurred; the request id is in the log' },
  database_unavailable: { detail: 'The database is unavailable; try again shortly' },
};

const RESPONSE_DESCRIPTION: Record<string, string> = {
  '400': 'Invalid input',
  '401': 'Missing or wrong token',
  '413': 'The request body is too large',
  '415': 'The request body is not JSON',
  '500': 'Unexpected error (details only in the log, under the request id)',
  '503': 'The database is unavailable; retry later',
};

function problemExamples(status: string, codes: ErrorCode[]): Record<string, unknown> {
  const examples: Record<string, unknown> = {};
  for (const code of codes) {
    const example = EXAMPLE_DETAIL[code];
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
  // Only strategy bodies carry a condition that the condition checker can reject.
  return all.filter(
    (code) => code !== 'invalid_condition' || /Strategy(Input|Patch)$/.test(bodyRef),
  );
}

/**
 * Adds what the route declarations cannot know, because middleware produces it: 401 on secured
 * operations, 413/415 on operations with a body, 500 everywhere, 503 under /api; every problem
 * response gets an example per error code. Also lists the error codes in the Problem schema.
 */
export function completeDocument<T extends object>(document: T): T {
  // The generator's types describe every OpenAPI object; this walk needs only a few fields.
  const doc = document as OpenApiDocument;
  const globalSecurity: unknown[] = doc.security ?? [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const operation of Object.values(item)) {
      const responses = (operation.responses ??= {});
      const secured = (operation.security ?? globalSecurity).length > 0;
      const wanted = new Set<string>(['500']);
      if (secured) wanted.add('401');
      if (path.startsWith('/api/')) wanted.add('503');
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
        const examples = problemExamples(status, codesFor(status, operation));
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

// --- the docs page ---------------------------------------------------------------------------

const swaggerUiDir = dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);

const INIT_SCRIPT = `// quota-manager: Swagger UI on the daemon's own OpenAPI document (no external requests).
window.ui = SwaggerUIBundle({
  url: new URL('../../openapi.json', document.currentScript.src).href,
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  docExpansion: 'list',
  defaultModelsExpandDepth: 0,
  displayRequestDuration: true,
  filter: true,
  persistAuthorization: false,
  tryItOutEnabled: false,
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>quota-manager API</title>
  <link rel="stylesheet" href="docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="docs/assets/favicon-32x32.png">
</head>
<body>
  <noscript>This page needs JavaScript. The raw description is at <a href="openapi.json">openapi.json</a>.</noscript>
  <div id="swagger-ui"></div>
  <script src="docs/assets/swagger-ui-bundle.js"></script>
  <script src="docs/assets/docs-init.js"></script>
</body>
</html>
`;

/** The page may load only what this server serves (the browser enforces it, too). */
const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface Asset {
  type: string;
  load(): Buffer;
}

const fromPackage = (file: string, type: string): Asset => ({
  type,
  load: () => readFileSync(join(swaggerUiDir, file)),
});

/** Every file /docs/assets may serve; anything else is a 404. */
const ASSETS: Record<string, Asset> = {
  'swagger-ui.css': fromPackage('swagger-ui.css', 'text/css; charset=utf-8'),
  'swagger-ui-bundle.js': fromPackage('swagger-ui-bundle.js', 'text/javascript; charset=utf-8'),
  'favicon-32x32.png': fromPackage('favicon-32x32.png', 'image/png'),
  'docs-init.js': { type: 'text/javascript; charset=utf-8', load: () => Buffer.from(INIT_SCRIPT) },
};

interface LoadedAsset {
  type: string;
  plain: Buffer;
  gzip: Buffer;
}

const loaded = new Map<string, LoadedAsset>();

function loadAsset(name: string): LoadedAsset | undefined {
  const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!asset) return undefined;
  let entry = loaded.get(name);
  if (!entry) {
    const plain = asset.load();
    // Compressed once per process: the bundle is ~1.5 MB, ~0.4 MB gzipped.
    entry = { type: asset.type, plain, gzip: gzipSync(plain) };
    loaded.set(name, entry);
  }
  return entry;
}

const acceptsGzip = (header: string | undefined) => /\bgzip\b/i.test(header ?? '');

export function registerDocsRoutes(app: ApiApp): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'The admin token (ADMIN_TOKEN)',
  });
  let document: object | undefined;
  app.get('/openapi.json', (c) => {
    document ??= completeDocument(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: { title: 'quota-manager', version: '1', description: DESCRIPTION, license: LICENSE },
        // Relative to this document, so "Try it out" and generated clients keep a reverse proxy's
        // path prefix (`/` would resolve to the proxy's root).
        servers: [{ url: '.', description: 'This daemon, where this document was fetched from' }],
        security: [{ bearerAuth: [] }],
        tags: TAGS,
      }),
    );
    return c.json(document);
  });

  app.get('/docs', (c) =>
    c.html(PAGE, 200, { 'content-security-policy': PAGE_CSP, 'cache-control': 'no-cache' }),
  );

  app.get('/docs/assets/:file', (c) => {
    const asset = loadAsset(c.req.param('file'));
    if (!asset)
      return problemResponse(c, 'not_found', `no docs asset named ${c.req.param('file')}`);
    const gzip = acceptsGzip(c.req.header('accept-encoding'));
    const headers: Record<string, string> = {
      'content-type': asset.type,
      'cache-control': 'public, max-age=3600',
      'x-content-type-options': 'nosniff',
      vary: 'Accept-Encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    };
    return c.body(new Uint8Array(gzip ? asset.gzip : asset.plain), 200, headers);
  });
}
