// English: the frame every page shares, sign-in, and the words many pages use.
// Part of the catalogue en.ts assembles.
import type { Child } from 'hono/jsx';
import type { CallerJson } from '../../api-types.ts';

export const shell = {
  /** The language's own name, as the switch offers it. */
  languageName: 'English',
  frame: {
    product: 'quota-manager',
    titleSuffix: ' · quota-manager',
    skip: 'Skip to content',
    navLabel: 'Console',
    nav: {
      overview: 'Overview',
      strategies: 'Strategies',
      'why-not': 'Why not?',
      'unknown-grants': 'Unknown grants',
      users: 'Users',
      sources: 'Sources',
      audit: 'Audit',
      webhooks: 'Webhooks',
    },
    roles: { admin: 'admin', viewer: 'viewer' } satisfies Record<CallerJson['role'], string>,
    signOut: 'Sign out',
    signOutEverywhere: 'Sign out everywhere',
    languageLabel: 'Language',
  },
  common: {
    none: 'none',
    yes: 'yes',
    no: 'no',
    once: 'once',
    any: 'any',
    filter: 'Filter',
    /** The links under a keyset list (pager.tsx). */
    pager: { label: 'Pages', next: 'Next', first: 'First page' },
    confirmTitle: 'Please confirm',
    confirm: 'Confirm',
    cancel: 'Cancel',
    refusedTitle: 'Refused',
    refused: (reason: string) => `Refused: ${reason}.`,
    notSignedIn: 'not signed in',
    formTooLarge: 'form too large',
    noSuchAsset: 'no such asset',
    /** A feature whose API route this server lacks. */
    unavailable: (what: string, route: Child): Child[] => [
      `${what} is not available on this server: it does not answer `,
      route,
      ' (an older version of the API).',
    ],
    notAvailableHere: 'not available on this server',
    /** The console's framing of an API problem it could not get past. */
    httpStatus: (status: number) => `HTTP ${status}`,
    /** Between a label and its value. */
    colon: ': ',
    /** A form label and its hint. */
    withHint: (label: string, hint: string) => `${label} (${hint})`,
    parenthesized: (text: string) => `(${text})`,
    inTheZoneOf: (whose: 'strategy' | 'daemon') => `in the ${whose}'s time zone`,
  },
  csrf: {
    foreign: 'the request came from another site',
    missingToken: 'the form is missing its security token (reload the page)',
  },
  signIn: {
    title: 'Sign in',
    tokenLabel: 'API token (admin or viewer)',
    submit: 'Sign in',
    hint: 'The token is kept on the server, sealed, for this session (8 hours); the browser holds only a random session id.',
    notAccepted: 'That token was not accepted.',
    apiRateLimited: 'Too many requests from your address: the token was not checked. Retry later.',
    apiFailed: (status: number) =>
      `The API could not check the token (HTTP ${status}). Retry later.`,
    tooManyAttempts: (seconds: number) =>
      `Too many sign-in attempts from your address. Retry in ${seconds} s.`,
    enterToken: 'Enter an API token.',
    crossSite: 'cross-site sign-in refused',
  },
};
