// Sign-in and sign-out. The token's identity comes from the API itself (GET /api/v1/me): only a
// 200 with a known role signs in; 401/403 is a wrong token, and a 429 or 5xx is the API being
// unable to answer, which is never read as a role.
import { setCookie, deleteCookie } from 'hono/cookie';
import type { Context } from 'hono';
import { ApiClient, type ApiFetch } from './api-client.ts';
import type { CallerJson } from './api-types.ts';
import type { ConsoleApp, ConsoleEnv } from './console-env.ts';
import { t } from './i18n/current.ts';
import { base, ErrorBox, Layout } from './pages/layout.tsx';
import { SESSION_TTL_MS, type Role, type SessionStore } from './sessions.ts';
import type { SignInLimit } from './sign-in-limit.ts';

export const SESSION_COOKIE = 'qm_session';

export interface SignInDeps {
  fetchApi: ApiFetch;
  sessions: SessionStore;
  limit: SignInLimit;
  /** The browser's address (X-Forwarded-For only from a trusted proxy). */
  clientAddress: (c: Context) => string;
  /** The origin the browser is on (PUBLIC_URL, a trusted proxy's X-Forwarded-Proto, or the URL). */
  publicOrigin: (c: Context) => string;
  /** Whether the request's Origin or Referer names another site. */
  isForeign: (c: Context) => boolean;
}

type Identity =
  | { ok: true; name: string; role: Role }
  | { ok: false; status: 401 | 429 | 503; message: string; retryAfter?: string };

async function identify(fetchApi: ApiFetch, token: string, c: Context): Promise<Identity> {
  const client = new ApiClient(
    fetchApi,
    token,
    c.env,
    c.req.header('x-request-id'),
    c.req.header('x-forwarded-for'),
  );
  const answer = await client.get('/api/v1/me');
  // A 200 whose body is not a caller (a proxy's page, an older server) is no identity either:
  // what came back is read as what it might be, not as what the API declares.
  const body: unknown = answer.body;
  const { name, role } = (body ?? {}) as Partial<CallerJson>;
  if (answer.status === 200 && typeof name === 'string' && (role === 'admin' || role === 'viewer'))
    return { ok: true, name, role };
  if (answer.status === 401 || answer.status === 403)
    return { ok: false, status: 401, message: t().signIn.notAccepted };
  if (answer.status === 429) return { ok: false, status: 429, message: t().signIn.apiRateLimited };
  return { ok: false, status: 503, message: t().signIn.apiFailed(answer.status) };
}

export function cookieOptions(c: Context, publicOrigin: (c: Context) => string) {
  return {
    httpOnly: true,
    sameSite: 'Strict' as const,
    secure: publicOrigin(c).startsWith('https:'),
    path: base(),
  };
}

export function registerSignIn(app: ConsoleApp, deps: SignInDeps): void {
  app.get('/sign-in', (c) => c.html(<SignInPage next={c.req.query('next')} />));
  app.post('/sign-in', async (c) => {
    // No session yet, so no CSRF token: the Origin check alone stops a forged sign-in.
    if (deps.isForeign(c)) return c.text(t().signIn.crossSite, 403);
    const wait = deps.limit.attempt(deps.clientAddress(c));
    const form = await c.req.parseBody();
    const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
    if (wait !== undefined) {
      c.header('Retry-After', String(wait));
      const error = t().signIn.tooManyAttempts(wait);
      return c.html(<SignInPage next={next} error={error} />, 429);
    }
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    const identity: Identity = token
      ? await identify(deps.fetchApi, token, c)
      : { ok: false, status: 401, message: t().signIn.enterToken };
    if (!identity.ok)
      return c.html(<SignInPage next={next} error={identity.message} />, identity.status);
    const session = await deps.sessions.create(token, identity);
    setCookie(c, SESSION_COOKIE, session.id, {
      ...cookieOptions(c, deps.publicOrigin),
      maxAge: Math.floor(SESSION_TTL_MS / 1000),
    });
    return c.redirect(next, 303);
  });
}

/** Registered after the session check: both need a signed-in session and its CSRF token. */
export function registerSignOut(
  app: ConsoleApp,
  deps: Pick<SignInDeps, 'sessions' | 'publicOrigin'>,
): void {
  const leave = (c: Context<ConsoleEnv>) => {
    deleteCookie(c, SESSION_COOKIE, cookieOptions(c, deps.publicOrigin));
    return c.redirect(`${base()}/sign-in`, 303);
  };
  app.post('/sign-out', async (c) => {
    await deps.sessions.delete(c.get('session').id);
    return leave(c);
  });
  app.post('/sign-out-everywhere', async (c) => {
    await deps.sessions.deleteForCaller(c.get('session').name);
    return leave(c);
  });
}

/** Only our own pages may be the target after sign-in (no open redirect). */
export function safeNext(next: string | undefined): string {
  const home = base();
  // A control character (CR, LF, NUL) cannot be in a Location header: home, not a 500.
  if (!next || /\p{Cc}/u.test(next)) return home;
  return next === home || next.startsWith(`${home}/`) || next.startsWith(`${home}?`) ? next : home;
}

function SignInPage(props: { next?: string; error?: string }) {
  const m = t().signIn;
  return (
    <Layout title={m.title}>
      <ErrorBox message={props.error} />
      <form method="post" action={`${base()}/sign-in`} class="card narrow">
        <label for="token">{m.tokenLabel}</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required />
        <input type="hidden" name="next" value={safeNext(props.next)} />
        <button type="submit">{m.submit}</button>
        <p class="hint">{m.hint}</p>
      </form>
    </Layout>
  );
}
