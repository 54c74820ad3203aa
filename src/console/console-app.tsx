// The web console, a UI adapter beside api/: server-rendered pages (Hono JSX) under /ui that
// call the public REST API in-process with the signed-in user's token. Sign-in, the session
// cookie and CSRF live here; each page's routes are in pages/.
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { MiddlewareHandler } from 'hono';
import { ApiClient, type ApiFetch } from './api-client.ts';
import { consoleAsset } from './assets.ts';
import { newConsoleApp, type ConsoleApp, type ConsoleEnv } from './console-env.ts';
import { csrfRefusal, requestOrigin } from './csrf.ts';
import { registerAuditPage } from './pages/audit-page.tsx';
import { base, CONSOLE_MOUNT, ErrorBox, inRequest, Layout, publicPath } from './pages/layout.tsx';
import { registerOverviewPage } from './pages/overview-page.tsx';
import { registerSourcesPage } from './pages/sources-page.tsx';
import { registerStrategyActions } from './pages/strategy-actions.tsx';
import { registerStrategyFormPages } from './pages/strategy-form-page.tsx';
import { registerStrategyPages } from './pages/strategy-pages.tsx';
import { registerUnknownGrantsPage } from './pages/unknown-grants-page.tsx';
import { registerUserPages } from './pages/user-pages.tsx';
import { registerWhyNotPage } from './pages/why-not-page.tsx';
import { SESSION_TTL_MS, SessionStore, type Role } from './sessions.ts';

export interface ConsoleDeps {
  /** The daemon's own application fetch: the console calls the public API through it. */
  fetchApi: ApiFetch;
  sessions?: SessionStore;
  /** PUBLIC_BASE_PATH: the path a reverse proxy serves the daemon under ('' or e.g. /quota). */
  basePath?: string;
}

const COOKIE = 'qm_session';

/** The console's pages load only what this server serves; scripts only from files. */
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function createConsole(deps: ConsoleDeps): ConsoleApp {
  const sessions = deps.sessions ?? new SessionStore();
  const app = newConsoleApp();
  // First: everything below renders links with base() for this request.
  const basePath = deps.basePath ?? '';
  app.use('*', (_c, next) => inRequest(basePath, next));
  app.use('*', async (c, next) => {
    await next();
    c.header('content-security-policy', CSP);
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'same-origin');
    if (!c.req.path.startsWith(`${CONSOLE_MOUNT}/assets/`)) c.header('cache-control', 'no-store');
  });

  // Forms are small; a condition is at most 10 000 characters.
  app.use('*', bodyLimit({ maxSize: 256 * 1024, onError: (c) => c.text('form too large', 413) }));

  app.get('/assets/:file', (c) => {
    const asset = consoleAsset(c.req.param('file'));
    if (!asset) return c.text('no such asset', 404);
    const gzip = /\bgzip\b/i.test(c.req.header('accept-encoding') ?? '');
    return c.body(new Uint8Array(gzip ? asset.gzip : asset.plain), 200, {
      'content-type': asset.type,
      'cache-control': 'public, max-age=3600',
      vary: 'Accept-Encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
  });

  app.get('/sign-in', (c) => c.html(<SignInPage next={c.req.query('next')} />));
  app.post('/sign-in', async (c) => {
    // No session yet, so no CSRF token: the Origin check alone stops a forged sign-in.
    if (requestOrigin(c) === 'foreign') return c.text('cross-site sign-in refused', 403);
    const form = await c.req.parseBody();
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    const role = token ? await roleOf(deps.fetchApi, token, c.env) : undefined;
    if (!role) return c.html(<SignInPage next={next} error="That token was not accepted." />, 401);
    const session = sessions.create(token, role);
    setCookie(c, COOKIE, session.id, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: new URL(c.req.url).protocol === 'https:',
      path: base(),
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    return c.redirect(next, 303);
  });

  app.use('*', requireSession(sessions, deps.fetchApi));
  app.post('/sign-out', (c) => {
    sessions.delete(c.get('session').id);
    deleteCookie(c, COOKIE, { path: base() });
    return c.redirect(`${base()}/sign-in`, 303);
  });

  registerOverviewPage(app);
  registerStrategyPages(app);
  registerStrategyFormPages(app);
  registerStrategyActions(app);
  registerWhyNotPage(app);
  registerUnknownGrantsPage(app);
  registerUserPages(app);
  registerAuditPage(app);
  registerSourcesPage(app);
  return app;
}

/** Pages need a live session; posts also need the CSRF token and a same-origin request. */
function requireSession(sessions: SessionStore, fetchApi: ApiFetch): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const session = sessions.get(getCookie(c, COOKIE));
    const post = c.req.method === 'POST';
    if (!session) {
      if (post) return c.text('not signed in', 403);
      // The path this request came in on, as the browser knows it (behind the proxy's prefix).
      const path = publicPath(new URL(c.req.url).pathname + new URL(c.req.url).search);
      return c.redirect(`${base()}/sign-in?next=${encodeURIComponent(path)}`, 303);
    }
    c.set('session', session);
    c.set('api', new ApiClient(fetchApi, session.token, c.env, c.req.header('x-request-id')));
    c.set('form', {});
    if (post) {
      const form = textFields(await c.req.parseBody({ all: true }));
      c.set('form', form);
      const token = typeof form._csrf === 'string' ? form._csrf : undefined;
      const refusal = csrfRefusal(c, session, token);
      if (refusal)
        return c.html(
          <Layout title="Refused" session={session}>
            <ErrorBox message={`Refused: ${refusal}.`} />
          </Layout>,
          403,
        );
    }
    await next();
  };
}

/**
 * Whether the token is accepted, and its role. The API has no "who am I" route, so the role is
 * read from how the API treats the token: any read answers 401 to a wrong token, and a create
 * with an empty body is refused with 403 for a viewer but only fails validation (400, nothing
 * written) for an admin.
 */
async function roleOf(fetchApi: ApiFetch, token: string, env: unknown): Promise<Role | undefined> {
  const api = new ApiClient(fetchApi, token, env);
  const read = await api.get('/api/v1/stats');
  if (read.status === 401 || read.status === 403) return undefined;
  const write = await api.post('/api/v1/strategies', {});
  return write.status === 403 ? 'viewer' : 'admin';
}

/** Only our own pages may be the target after sign-in (no open redirect). */
function safeNext(next: string | undefined): string {
  const home = base();
  return next && (next === home || next.startsWith(`${home}/`) || next.startsWith(`${home}?`))
    ? next
    : home;
}

function SignInPage(props: { next?: string; error?: string }) {
  return (
    <Layout title="Sign in">
      <ErrorBox message={props.error} />
      <form method="post" action={`${base()}/sign-in`} class="card narrow">
        <label for="token">API token (admin or viewer)</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required />
        <input type="hidden" name="next" value={safeNext(props.next)} />
        <button type="submit">Sign in</button>
        <p class="hint">
          The token is kept on the server for this session (8 hours); the browser holds only a
          random session id.
        </p>
      </form>
    </Layout>
  );
}

/** A parsed form's text fields (the console has no file inputs; a file part is dropped). */
function textFields(body: Record<string, unknown>): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') form[name] = value;
    else if (Array.isArray(value))
      form[name] = value.filter((v): v is string => typeof v === 'string');
  }
  return form;
}
