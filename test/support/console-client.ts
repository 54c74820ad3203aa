// The web console driven in-process, without a browser: sign in on the harness's server, read
// pages as HTML, post forms with the session's CSRF token as a browser would (form-encoded).
// Chromium tests (test/e2e/console-*.test.ts) keep the flows that need a browser.
import { ADMIN_TOKEN, type Harness } from './app-harness.ts';

export interface ConsoleClient {
  /** GET a console page (path under /ui): its status and HTML. */
  page(path: string): Promise<{ status: number; html: string }>;
  /** POST a form to a console path, with the CSRF token; the answer is not followed. */
  post(
    path: string,
    fields: Record<string, string>,
  ): Promise<{ status: number; html: string; location: string | null }>;
}

export async function signInConsole(h: Harness, token = ADMIN_TOKEN): Promise<ConsoleClient> {
  const signIn = await h.app.request('/ui/sign-in', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token, next: '/ui' }).toString(),
  });
  const cookie = /qm_session=[^;]+/.exec(signIn.headers.get('set-cookie') ?? '')?.[0];
  if (signIn.status !== 303 || !cookie) throw new Error(`sign-in answered ${signIn.status}`);
  let csrf = '';
  const page = async (path: string) => {
    const response = await h.app.request(`/ui${path}`, { headers: { cookie } });
    const html = await response.text();
    csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? csrf;
    return { status: response.status, html };
  };
  if (!csrf) await page('/strategies/new');
  return {
    page,
    async post(path, fields) {
      const response = await h.app.request(`/ui${path}`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
      });
      return {
        status: response.status,
        html: await response.text(),
        location: response.headers.get('location'),
      };
    },
  };
}

/** The values of a form's named inputs, selects and textareas as the page renders them. */
export function formFields(html: string, formId: string): Record<string, string> {
  const start = html.indexOf(`id="${formId}"`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const fields: Record<string, string> = {};
  const decode = (text: string) =>
    text
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&');
  for (const m of form.matchAll(/<input([^>]*)>/g)) {
    const name = /name="([^"]+)"/.exec(m[1]!)?.[1];
    if (!name) continue;
    const type = /type="([^"]+)"/.exec(m[1]!)?.[1];
    if (type === 'checkbox') {
      if (/\bchecked\b/.test(m[1]!)) fields[name] = 'on';
      continue;
    }
    fields[name] = decode(/value="([^"]*)"/.exec(m[1]!)?.[1] ?? '');
  }
  for (const m of form.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g))
    // As a browser: the selected option, else the first.
    fields[m[1]!] = decode(
      (/<option value="([^"]*)" selected/.exec(m[2]!) ??
        /<option value="([^"]*)"/.exec(m[2]!))?.[1] ?? '',
    );
  for (const m of form.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/textarea>/g))
    fields[m[1]!] = decode(m[2]!);
  return fields;
}
