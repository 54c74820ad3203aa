// The web console, a UI adapter beside api/: server-rendered pages (Hono JSX) under /ui that
// call the public REST API in-process with the signed-in user's token. Sign-in, the session
// cookie and CSRF live here; each page's routes are in pages/.
import { bodyLimit } from 'hono/body-limit';
import { getCookie, setCookie } from 'hono/cookie';
import type { Context, MiddlewareHandler } from 'hono';
import type { ConsoleSessionStore } from '../contract/console-sessions.ts';
import { ApiClient, type ApiFetch } from './api-client.ts';
import { consoleAsset } from './assets.ts';
import { newConsoleApp, type ConsoleApp, type ConsoleEnv } from './console-env.ts';
import { csrfRefusal, requestOrigin } from './csrf.ts';
import { withNoticeSeal } from './pages/notices.tsx';
import { currentLang, inLanguage, t } from './i18n/current.ts';
import { isLang, LANG_COOKIE, negotiateLang, type Lang } from './i18n/language.ts';
import { registerAuditPage } from './pages/audit-page.tsx';
import { base, CONSOLE_MOUNT, ErrorBox, inRequest, Layout, publicPath } from './pages/layout.tsx';
import { registerOverviewPage } from './pages/overview-page.tsx';
import { registerSourcesPage } from './pages/sources-page.tsx';
import { registerStrategyActions } from './pages/strategy-actions.tsx';
import { registerStrategyFormPages } from './pages/strategy-form-page.tsx';
import { registerStrategyPages } from './pages/strategy-pages.tsx';
import { registerUnknownGrantsPage } from './pages/unknown-grants-page.tsx';
import { registerUserPages } from './pages/user-pages.tsx';
import { registerWebhooksPage } from './pages/webhooks-page.tsx';
import { registerWhyNotPage } from './pages/why-not-page.tsx';
import { SessionStore } from './sessions.ts';
import {
  cookieOptions,
  registerSignIn,
  registerSignOut,
  safeNext,
  SESSION_COOKIE,
} from './sign-in.tsx';
import { SignInLimit } from './sign-in-limit.ts';

export interface ConsoleDeps {
  /** The daemon's own application fetch: the console calls the public API through it. */
  fetchApi: ApiFetch;
  /** The session table every replica shares (db/console-session-store.ts). */
  sessionRecords: ConsoleSessionStore;
  /** The path a reverse proxy serves the daemon under ('' or e.g. /quota; from PUBLIC_URL). */
  basePath?: string;
  /** The browser's address: the socket's, or X-Forwarded-For's when a trusted proxy sent it. */
  clientAddress: (c: Context) => string;
  /** The origin the browser is on: PUBLIC_URL's, a trusted proxy's, or the request URL's. */
  publicOrigin: (c: Context) => string;
  /** Milliseconds since the epoch (the daemon's clock). */
  now?: () => number;
}

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
  const now = deps.now ?? Date.now;
  const sessions = new SessionStore(deps.sessionRecords, now);
  const app = newConsoleApp();
  // First: everything below renders links with base() for this request.
  const basePath = deps.basePath ?? '';
  app.use('*', (_c, next) => inRequest(basePath, next));
  // Second: the language every page, message and format of this request is in.
  app.use('*', inRequestLanguage(deps.publicOrigin));
  app.use('*', async (c, next) => {
    await next();
    c.header('content-language', currentLang());
    c.header('content-security-policy', CSP);
    c.header('x-content-type-options', 'nosniff');
    c.header('referrer-policy', 'same-origin');
    if (!c.req.path.startsWith(`${CONSOLE_MOUNT}/assets/`)) c.header('cache-control', 'no-store');
  });

  // Forms are small; a condition is at most 10 000 characters.
  app.use(
    '*',
    bodyLimit({ maxSize: 256 * 1024, onError: (c) => c.text(t().common.formTooLarge, 413) }),
  );

  app.get('/assets/:file', (c) => {
    const asset = consoleAsset(c.req.param('file'));
    if (!asset) return c.text(t().common.noSuchAsset, 404);
    const gzip = /\bgzip\b/i.test(c.req.header('accept-encoding') ?? '');
    return c.body(new Uint8Array(gzip ? asset.gzip : asset.plain), 200, {
      'content-type': asset.type,
      'cache-control': 'public, max-age=3600',
      vary: 'Accept-Encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
  });

  // Before the session check: the sign-in page has the switch too.
  app.get('/language', (c) => {
    const lang = c.req.query('lang');
    if (isLang(lang))
      setCookie(c, LANG_COOKIE, lang, {
        ...cookieOptions(c, deps.publicOrigin),
        // A preference, not a credential: Lax lets a link from elsewhere open the console in it.
        sameSite: 'Lax',
        maxAge: 365 * 24 * 60 * 60,
      });
    return c.redirect(safeNext(c.req.query('next')), 303);
  });

  const isForeign = (c: Context) => requestOrigin(c, deps.publicOrigin(c)) === 'foreign';
  registerSignIn(app, {
    fetchApi: deps.fetchApi,
    sessions,
    limit: new SignInLimit(now),
    clientAddress: deps.clientAddress,
    publicOrigin: deps.publicOrigin,
    isForeign,
  });
  app.use('*', requireSession(sessions, deps));
  registerSignOut(app, { sessions, publicOrigin: deps.publicOrigin });

  registerOverviewPage(app);
  registerStrategyPages(app);
  registerStrategyFormPages(app);
  registerStrategyActions(app);
  registerWhyNotPage(app);
  registerUnknownGrantsPage(app);
  registerUserPages(app);
  registerAuditPage(app);
  registerSourcesPage(app);
  registerWebhooksPage(app);
  return app;
}

/** Pages need a live session; posts also need the CSRF token and a same-origin request. */
function requireSession(sessions: SessionStore, deps: ConsoleDeps): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const session = await sessions.get(getCookie(c, SESSION_COOKIE));
    const post = c.req.method === 'POST';
    if (!session) {
      if (post) return c.text(t().common.notSignedIn, 403);
      // The path this request came in on, as the browser knows it (behind the proxy's prefix).
      const path = publicPath(new URL(c.req.url).pathname + new URL(c.req.url).search);
      return c.redirect(`${base()}/sign-in?next=${encodeURIComponent(path)}`, 303);
    }
    c.set('session', session);
    c.set(
      'api',
      new ApiClient(
        deps.fetchApi,
        session.token,
        c.env,
        c.req.header('x-request-id'),
        c.req.header('x-forwarded-for'),
      ),
    );
    c.set('form', {});
    if (post) {
      const form = textFields(await c.req.parseBody({ all: true }));
      c.set('form', form);
      const token = typeof form._csrf === 'string' ? form._csrf : undefined;
      const refusal = csrfRefusal(c, session, token, deps.publicOrigin(c));
      if (refusal)
        return c.html(
          <Layout title={t().common.refusedTitle} session={session}>
            <ErrorBox message={t().common.refused(t().csrf[refusal])} />
          </Layout>,
          403,
        );
    }
    await withNoticeSeal(session.csrf, next);
  };
}

function inRequestLanguage(publicOrigin: (c: Context) => string): MiddlewareHandler<ConsoleEnv> {
  return (c, next) =>
    inLanguage({ lang: requestLang(c), here: pageToReturnTo(c, publicOrigin(c)) }, next);
}

/** The operator's choice (the switch's cookie), else what the browser asks for. */
function requestLang(c: Context): Lang {
  const chosen = getCookie(c, LANG_COOKIE);
  return isLang(chosen) ? chosen : negotiateLang(c.req.header('accept-language'));
}

/**
 * The page the language switch returns to: this one as the browser requested it; for the answer
 * to a post (a confirmation, a refused form), which a GET cannot show again, the page the form
 * was on (the same-origin Referer), else the console's home.
 */
function pageToReturnTo(c: Context, origin: string): string {
  const url = new URL(c.req.url);
  if (c.req.method === 'GET') return publicPath(url.pathname + url.search);
  try {
    const from = new URL(c.req.header('referer') ?? '');
    if (from.origin === origin) return from.pathname + from.search;
  } catch {
    // No Referer, or not a URL: home.
  }
  return base();
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
