// The frame every console page shares, and the small pieces pages are built from. Pages are
// complete HTML without JavaScript; console.js and htmx only add validation as you type, the
// chart, completion and confirmation dialogs.
import { AsyncLocalStorage } from 'node:async_hooks';
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Session } from '../sessions.ts';
import { CATALOGUES, currentLang, currentPage, t } from '../i18n/current.ts';
import { intlLocale, LANGUAGES, type Lang } from '../i18n/language.ts';

/** Where the daemon mounts the console (the paths its routes see). */
export const CONSOLE_MOUNT = '/ui';

/**
 * The public base path (PUBLIC_BASE_PATH, e.g. "/quota") of the request being answered: behind
 * a reverse proxy that strips it, every link, form target, redirect and cookie path the browser
 * gets must carry it. Set once per request by the console's first middleware (inRequest).
 */
const publicBase = new AsyncLocalStorage<string>();

export function inRequest<T>(basePath: string, run: () => T): T {
  return publicBase.run(basePath, run);
}

/** A path of the daemon as the browser must request it ("/ui/x" → "/quota/ui/x"). */
export const publicPath = (path: string): string => `${publicBase.getStore() ?? ''}${path}`;

/** The console's URL prefix as the browser sees it: /ui, or /quota/ui behind a proxy. */
export const base = (): string => publicPath(CONSOLE_MOUNT);

const NAV = [
  'overview',
  'strategies',
  'why-not',
  'unknown-grants',
  'users',
  'sources',
  'audit',
  'webhooks',
] as const;

/**
 * The language switch: a plain link per language (no JavaScript), to a route that keeps the
 * choice in a cookie and sends the operator back to this page. Each language is named in its
 * own words and marked up as that language, so a screen reader reads it right.
 */
function LanguageSwitch() {
  const here = currentPage() ?? base();
  const link = (lang: Lang) =>
    `${base()}/language?${new URLSearchParams({ lang, next: here }).toString()}`;
  return (
    <nav class="languages" aria-label={t().frame.languageLabel}>
      <ul>
        {LANGUAGES.map((lang) => (
          <li lang={lang}>
            <a
              href={link(lang)}
              hreflang={lang}
              aria-current={lang === currentLang() ? 'true' : undefined}
            >
              {CATALOGUES[lang].languageName}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function Layout(props: {
  title: string;
  session?: Session;
  active?: string;
  children?: Child;
}) {
  const { session } = props;
  const m = t().frame;
  // Without a doctype browsers render in quirks mode (box sizes, table fonts, line heights).
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang={currentLang()}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="htmx-config" content='{"includeIndicatorStyles":false}' />
          <title>{`${props.title}${m.titleSuffix}`}</title>
          <link rel="icon" type="image/svg+xml" href={`${base()}/assets/favicon.svg`} />
          <link rel="stylesheet" href={`${base()}/assets/console.css`} />
          <script src={`${base()}/assets/htmx.min.js`} defer></script>
          <script src={`${base()}/assets/console.js`} defer></script>
        </head>
        <body>
          <a class="skip" href="#main">
            {m.skip}
          </a>
          <header class="top">
            <a class="brand" href={base()} translate="no">
              {m.product}
            </a>
            {session && (
              <nav aria-label={m.navLabel}>
                <ul>
                  {NAV.map((key) => (
                    <li>
                      <a
                        href={key === 'overview' ? base() : `${base()}/${key}`}
                        aria-current={props.active === key ? 'page' : undefined}
                      >
                        {m.nav[key]}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            )}
            {session && (
              <form method="post" action={`${base()}/sign-out`} class="sign-out">
                <CsrfField session={session} />
                <span class={`role role-${session.role}`}>{m.roles[session.role]}</span>{' '}
                <button type="submit">{m.signOut}</button>{' '}
                <button type="submit" formaction={`${base()}/sign-out-everywhere`} class="link">
                  {m.signOutEverywhere}
                </button>
              </form>
            )}
            <LanguageSwitch />
          </header>
          <main id="main">
            <h1>{props.title}</h1>
            {props.children}
          </main>
        </body>
      </html>
    </>
  );
}

export function CsrfField(props: { session: Session }) {
  return <input type="hidden" name="_csrf" value={props.session.csrf} />;
}

/** A page whose API this server does not have yet says so, and shows nothing made up. */
export function Unavailable(props: { what: string; route: string }) {
  return (
    <p class="notice unavailable" role="status">
      {t().common.unavailable(props.what, <code>{props.route}</code>)}
    </p>
  );
}

/**
 * A red notice. `detail` is the daemon's own text (a sync's error, a gateway's answer), which
 * stays in English whatever the page's language, so it is marked as such for screen readers and
 * translators.
 */
export function ErrorBox(props: { message?: string; detail?: string }) {
  if (!props.message) return null;
  return (
    <p class="notice error" role="alert">
      {props.message}
      {props.detail !== undefined && <span lang="en">{props.detail}</span>}
    </p>
  );
}

export function Flash(props: { message?: string }) {
  if (!props.message) return null;
  return (
    <p class="notice ok" role="status">
      {props.message}
    </p>
  );
}

/**
 * A write button. Without JavaScript the post lands on a confirmation page (the server asks,
 * because `confirmed` is missing); with it, console.js asks in a dialog and adds `confirmed`.
 */
export function ActionForm(props: {
  session: Session;
  action: string;
  label: string;
  question: string;
  danger?: boolean;
  hidden?: Record<string, string>;
}) {
  return (
    <form method="post" action={props.action} class="inline" data-confirm={props.question}>
      <CsrfField session={props.session} />
      {Object.entries(props.hidden ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class={props.danger ? 'danger' : undefined}>
        {props.label}
      </button>
    </form>
  );
}

export function ConfirmPage(props: {
  session: Session;
  question: string;
  action: string;
  fields: Record<string, string>;
  back: string;
}) {
  return (
    <Layout title={t().common.confirmTitle} session={props.session}>
      <form method="post" action={props.action} class="confirm">
        <p>{props.question}</p>
        <CsrfField session={props.session} />
        {Object.entries(props.fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <input type="hidden" name="confirmed" value="yes" />
        <button type="submit">{t().common.confirm}</button>{' '}
        <a href={props.back}>{t().common.cancel}</a>
      </form>
    </Layout>
  );
}

export const fmtAmount = (n: number | undefined) =>
  n === undefined ? '—' : n.toLocaleString(intlLocale(currentLang()), { maximumFractionDigits: 2 });

/**
 * An instant the API wrote in UTC, to the second. English keeps the ISO shape the console has
 * always shown (`2026-12-07 06:05:00Z`); other languages get their own date order from Intl,
 * labelled UTC. `once` (a single strategy's occurrence) is a word, and other text is shown as is.
 */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  if (iso === 'once') return t().common.once;
  const lang = currentLang();
  const at = new Date(iso);
  if (lang === 'en' || Number.isNaN(at.getTime()))
    return iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
  return `${utcFormat(lang).format(at)} UTC`;
}

const utcFormat = (lang: Lang) =>
  new Intl.DateTimeFormat(intlLocale(lang), {
    timeZone: 'UTC',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
