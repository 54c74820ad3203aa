// What every console page shares, read in-process: a doctype (without one browsers render in
// quirks mode), and an icon the daemon serves itself (the browser's /favicon.ico included).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app-harness.ts';

describe('the console page frame', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('sqlite', { publicBasePath: '/quota' });
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('starts every page with <!DOCTYPE html> and links its own icon under the base path', async () => {
    const page = await h.app.request('/ui/sign-in');
    const html = await page.text();
    expect(html.startsWith('<!DOCTYPE html><html lang="en">')).toBe(true);
    expect(html).toContain(
      '<link rel="icon" type="image/svg+xml" href="/quota/ui/assets/favicon.svg"/>',
    );
  });

  it('serves the icon, and sends /favicon.ico there', async () => {
    const icon = await h.app.request('/ui/assets/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect(await icon.text()).toMatch(/^<svg /);
    const root = await h.app.request('/favicon.ico');
    expect(root.status).toBe(301);
    expect(root.headers.get('location')).toBe('/quota/ui/assets/favicon.svg');
  });
});
