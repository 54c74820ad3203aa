// The /docs page as HTTP: an HTML shell that loads only assets this server serves, the assets
// themselves (byte for byte the installed swagger-ui-dist files, gzipped on request), no token
// needed, nothing outside the allowlist reachable.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app-harness.ts';

const swaggerUiDir = dirname(
  createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'),
);

describe('the /docs page', () => {
  let h: Harness;
  let html: string;
  let response: Response;
  beforeAll(async () => {
    h = await createHarness('sqlite');
    response = await h.app.request('/docs');
    html = await response.text();
  });
  afterAll(async () => {
    await h.destroy();
  });

  const referenced = () => [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);

  it('is served without a token as HTML with a same-origin-only content security policy', () => {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('x-request-id')).toBeTruthy();
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:/);
    expect(html).toContain('<div id="swagger-ui"></div>');
  });

  it('references only relative URLs under docs/assets (and the document itself)', () => {
    const urls = referenced();
    expect(urls).toEqual(
      expect.arrayContaining([
        'docs/assets/swagger-ui.css',
        'docs/assets/swagger-ui-bundle.js',
        'docs/assets/docs-init.js',
      ]),
    );
    for (const url of urls) expect(url).toMatch(/^(docs\/assets\/[\w.-]+|openapi\.json)$/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it.each([
    ['swagger-ui.css', 'text/css'],
    ['swagger-ui-bundle.js', 'text/javascript'],
    ['favicon-32x32.png', 'image/png'],
  ])('serves %s from the installed swagger-ui-dist, plain or gzipped', async (file, type) => {
    const original = readFileSync(join(swaggerUiDir, file));
    const plain = await h.app.request(`/docs/assets/${file}`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toContain(type);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(Buffer.from(await plain.arrayBuffer()).equals(original)).toBe(true);

    const zipped = await h.app.request(`/docs/assets/${file}`, {
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(zipped.headers.get('vary')).toBe('Accept-Encoding');
    const body = Buffer.from(await zipped.arrayBuffer());
    expect(gunzipSync(body).equals(original)).toBe(true);
    if (file.endsWith('.js')) expect(body.length).toBeLessThan(original.length / 2);
  });

  it('starts Swagger UI on /openapi.json with the online validator turned off', async () => {
    const init = await h.app.request('/docs/assets/docs-init.js');
    expect(init.status).toBe(200);
    const script = await init.text();
    expect(script).toContain("new URL('../../openapi.json', document.currentScript.src)");
    expect(script).toContain('validatorUrl: null');
    expect(script).not.toMatch(/https?:\/\//);
    // The path the script computes from its own URL is the document's.
    expect(
      new URL('../../openapi.json', 'http://127.0.0.1:8099/docs/assets/docs-init.js').pathname,
    ).toBe('/openapi.json');
    expect(new URL('docs/assets/docs-init.js', 'http://127.0.0.1:8099/docs').pathname).toBe(
      '/docs/assets/docs-init.js',
    );
  });

  it.each([
    'package.json',
    'index.html',
    '..%2Fpackage.json',
    'swagger-ui-bundle.js.map',
    '%2e%2e%2f%2e%2e%2fpackage.json',
  ])('answers 404 for %s, outside the allowlist', async (file) => {
    const denied = await h.app.request(`/docs/assets/${file}`);
    expect(denied.status).toBe(404);
    expect(denied.headers.get('content-type')).toContain('application/problem+json');
  });

  it('serves /openapi.json without a token, with the statistics routes in it', async () => {
    const doc = await h.call('GET', '/openapi.json', undefined, { token: null });
    expect(doc.status).toBe(200);
    expect(doc.body.info.title).toBe('quota-manager');
    expect(doc.body.info.description).toContain('X-Request-Id');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/stats',
        '/api/v1/strategies/{id}/stats',
        '/api/v1/users/{id}/grants',
      ]),
    );
    expect(doc.body.tags.map((t: { name: string }) => t.name)).toEqual(
      expect.arrayContaining(['strategies', 'statistics', 'operations']),
    );
  });
});
