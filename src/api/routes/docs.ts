// The API's description and its reader: /openapi.json (OpenAPI 3.1, generated from the zod
// schemas that validate requests, then completed with the error responses that cross-cutting
// middleware produces) and /docs, a Swagger UI page whose every asset is served by this process
// from the installed swagger-ui-dist package — no CDN, so it works on an air-gapped server.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ApiApp } from '../router.ts';
import { completeDocument } from '../openapi-completion.ts';
import { problemResponse } from '../problem-response.ts';
import { registerEventWebhooks } from './event-docs.ts';

const DESCRIPTION = `Rule-driven quota recharge daemon for AI gateways.

**Authentication.** Everything under \`/api/v1\` requires \`Authorization: Bearer <token>\`:
\`ADMIN_TOKEN\`, or a named token of \`admin_tokens\` / \`ADMIN_TOKENS\`. Tokens with the \`viewer\` role
may read (GET), preview, explain and validate; anything else answers 403 \`forbidden\`. Every
change is recorded in the audit trail (\`GET /api/v1/audit\`) under the token's name.
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
    name: 'schedules',
    description: 'When a cron expression fires in a zone, by the rules strategies follow',
  },
  {
    name: 'statistics',
    description: 'How much was given away: totals per period and status, schedules, user histories',
  },
  {
    name: 'grants',
    description: 'The whole grant ledger across strategies, paged or exported as CSV',
  },
  { name: 'audit', description: 'Who changed what, when, through which request' },
  { name: 'access', description: 'Who the presented token is (its name and role)' },
  { name: 'health', description: 'Liveness and readiness probes' },
  { name: 'operations', description: 'Prometheus metrics' },
];

/**
 * One example body per error code, as the daemon really writes it, for the responses every route
 * shares. 404 and 409 mean something different on each route, so routes declare their own
 * (schemas.ts) and none is made up here.
 */
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

/** `bodyLimitBytes`: the configured limit, which the 413 example quotes. */
export function registerDocsRoutes(app: ApiApp, bodyLimitBytes: number): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'The admin token (ADMIN_TOKEN)',
  });
  registerEventWebhooks(app);
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
      bodyLimitBytes,
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
