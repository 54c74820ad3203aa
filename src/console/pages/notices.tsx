// What a write says after its redirect ("Saved.", "Deleted user 42.", "Approve refused: …"),
// carried in the redirect's query as a key and typed parameters — `?done=user-deleted&done.id=42`
// — never as the sentence. The page that shows it writes the sentence in its own request's
// language, so switching languages re-translates it; and the URL can only pick one of these
// sentences with well-formed values: an unknown key, a key in the wrong slot (a refusal as a
// green notice), or a parameter missing or of the wrong type shows nothing at all.
//
// Some parameters are text (the API's problem detail in a refusal), so a crafted link could
// still make a page say "refused: <anything>". Each notice is therefore sealed with an HMAC keyed
// by the session's CSRF secret (`<slot>.seal`): only a redirect the console made for this
// session shows; a link made by anyone else, or for another session, shows nothing.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Messages } from '../i18n/en.ts';
import { currentLang, t } from '../i18n/current.ts';
import { ErrorBox, Flash, fmtAmount } from './layout.tsx';
import { wallClock } from './clock-text.ts';
import type { TimeFrame } from './instant.tsx';

/** `done` is shown as a success (green), `error` as a refusal (red). */
export type Slot = 'done' | 'error';

const STRATEGY_ACTIONS = ['enable', 'disable', 'run', 'approve', 'dismiss', 'approve-all'] as const;
const WEBHOOK_ACTIONS = ['enable', 'disable', 'test', 'rotate', 'delete'] as const;
const RESOLUTIONS = ['applied', 'retry'] as const;

/**
 * What a parameter may hold. `count` a whole number, `amount` a decimal, `flag` yes/no, `instant`
 * an ISO instant or `once`, `text` words the API wrote (its problem details, an id); a trailing
 * `?` allows it to be absent (null). A tuple is a closed set of words.
 */
type Kind =
  'count' | 'count?' | 'amount' | 'amount?' | 'flag' | 'instant' | 'text' | readonly string[];

type ValueOf<K extends Kind> = K extends 'count' | 'amount'
  ? number
  : K extends 'count?' | 'amount?'
    ? number | null
    : K extends 'flag'
      ? boolean
      : K extends readonly (infer Word)[]
        ? Word
        : string;

type Values<P extends Record<string, Kind>> = { [N in keyof P]: ValueOf<P[N]> };

interface Spec<P extends Record<string, Kind>> {
  slot: Slot;
  params: P;
  say: (m: Messages, p: Values<P>, when: (instant: string) => string) => string;
}

const spec = <const P extends Record<string, Kind>>(
  slot: Slot,
  params: P,
  say: Spec<P>['say'],
): Spec<P> => ({ slot, params, say });

const RUN = {
  approved: 'flag',
  matched: 'count',
  granted: 'count',
  failed: 'count',
  held_users: 'count?',
  held_amount: 'amount?',
  cap_users: 'count?',
  cap_amount: 'amount?',
} as const;

function ranSentence(m: Messages, p: Values<typeof RUN>): string {
  const a = m.actions;
  const caps = [
    p.cap_users === null ? '' : a.capUsers(p.cap_users),
    p.cap_amount === null ? '' : a.capAmount(fmtAmount(p.cap_amount)),
  ].filter(Boolean);
  const held =
    p.held_users === null || p.held_amount === null
      ? ''
      : a.heldOutcome(p.held_users, fmtAmount(p.held_amount), caps.join(a.capsJoin));
  return a.ran(p.approved, String(p.matched), String(p.granted), String(p.failed), held);
}

/** Every sentence a redirect can ask for, by key. */
export const NOTICES = {
  saved: spec('done', {}, (m) => m.form.saved),
  enabled: spec('done', {}, (m) => m.actions.enabled),
  disabled: spec('done', {}, (m) => m.actions.disabled),
  dismissed: spec('done', { occurrence: 'instant' }, (m, p, when) =>
    m.actions.dismissed(when(p.occurrence)),
  ),
  'approved-all': spec('done', { runs: 'count', granted: 'count' }, (m, p) =>
    m.actions.approvedAll(p.runs, p.granted),
  ),
  ran: spec('done', RUN, ranSentence),
  // A run with the circuit breaker open did nothing it could report as done: a red notice.
  'ran-paused': spec('error', RUN, (m, p) => `${ranSentence(m, p)} ${m.actions.gatewayDown}`),
  'action-refused': spec('error', { action: STRATEGY_ACTIONS, why: 'text' }, (m, p) =>
    m.actions.refused(m.actions.names[p.action], p.why),
  ),
  // 412: the strategy was saved after the page was read.
  'action-stale': spec('error', { action: STRATEGY_ACTIONS }, (m, p) =>
    m.actions.refused(m.actions.names[p.action], m.actions.changedSinceRead),
  ),
  'action-unavailable': spec('error', { action: STRATEGY_ACTIONS }, (m, p) =>
    m.actions.refused(m.actions.names[p.action], m.common.notAvailableHere),
  ),
  'user-deleted': spec('done', { id: 'text' }, (m, p) => m.users.deleted(p.id)),
  'user-delete-refused': spec('error', { why: 'text' }, (m, p) => m.users.deleteRefused(p.why)),
  resolved: spec('done', { count: 'count' }, (m, p) => m.unknown.resolved(p.count)),
  'resolved-as': spec('done', { count: 'count', resolution: RESOLUTIONS }, (m, p) =>
    m.unknown.resolvedAs(p.count, m.unknown.resolutions[p.resolution]),
  ),
  'resolve-select-some': spec('error', {}, (m) => m.unknown.selectSome),
  'resolve-refused': spec('error', { failures: 'text' }, (m, p) => m.unknown.refused(p.failures)),
  'webhook-done': spec('done', { action: WEBHOOK_ACTIONS, id: 'count' }, (m, p) =>
    m.webhooks.done[p.action](p.id),
  ),
  'webhook-refused': spec('error', { why: 'text' }, (m, p) => m.webhooks.refused(p.why)),
  'webhook-not-created': spec('error', { why: 'text' }, (m, p) => m.webhooks.notCreated(p.why)),
  'webhook-no-such-action': spec('error', {}, (m) => m.webhooks.noSuchAction),
  'webhook-no-such-delivery': spec('error', {}, (m) => m.webhooks.noSuchDelivery),
  'delivery-will-retry': spec('done', { delivery: 'count' }, (m, p) =>
    m.webhooks.willRetry(p.delivery),
  ),
  'sync-started': spec('done', { full: 'flag' }, (m, p) => m.sources.syncStarted(p.full)),
  'sync-refused': spec('error', { why: 'text' }, (m, p) => m.sources.syncRefused(p.why)),
  'sync-unavailable': spec('error', {}, (m) => m.sources.syncRefused(m.common.notAvailableHere)),
};

export type NoticeKey = keyof typeof NOTICES;
type ParamsOf<K extends NoticeKey> = Values<(typeof NOTICES)[K]['params']>;

/** One notice, as a write asks for it. */
export interface Notice<K extends NoticeKey = NoticeKey> {
  key: K;
  params: ParamsOf<K>;
}

/** A notice with its parameters checked against its key by the compiler. */
export const notice = <K extends NoticeKey>(
  key: K,
  ...params: keyof ParamsOf<K> extends never ? [] : [ParamsOf<K>]
): Notice<K> => ({ key, params: (params[0] ?? {}) as ParamsOf<K> });

function encode(kind: Kind, value: string | number | boolean | null): string {
  if (value === null) return '';
  if (kind === 'flag') return value ? 'yes' : 'no';
  return String(value);
}

const sealSecret = new AsyncLocalStorage<string>();

/** Runs `run` (a signed-in request) with notices sealed and checked with the session's secret. */
export function withNoticeSeal<T>(secret: string, run: () => T): T {
  return sealSecret.run(secret, run);
}

/** The seal of the notice in `slot` of `query`: its key and raw parameters, in the spec's order. */
function sealOf(query: RedirectQuery, slot: Slot): string | undefined {
  const secret = sealSecret.getStore();
  const key = query[slot];
  if (secret === undefined || key === undefined || !Object.hasOwn(NOTICES, key)) return undefined;
  const { params } = NOTICES[key as NoticeKey] as Spec<Record<string, Kind>>;
  const raw = Object.keys(params).map((name) => query[`${slot}.${name}`] ?? '');
  return createHmac('sha256', secret)
    .update(JSON.stringify(['notice', slot, key, raw]))
    .digest('base64url');
}

/** `query` with the seal of its notice in `slot` added (when there is one to seal). */
export function sealNotice(query: Record<string, string>, slot: Slot): Record<string, string> {
  const seal = sealOf(query, slot);
  return seal === undefined ? query : { ...query, [`${slot}.seal`]: seal };
}

function sealHolds(query: RedirectQuery, slot: Slot): boolean {
  const expected = sealOf(query, slot);
  const given = query[`${slot}.seal`];
  if (expected === undefined || given === undefined) return false;
  const left = Buffer.from(given);
  const right = Buffer.from(expected);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** `path` with the notices in its query (after any query it already has), each sealed. */
export function withNotices(path: string, ...notices: Notice[]): string {
  let query: Record<string, string> = {};
  for (const n of notices) {
    const { slot, params } = NOTICES[n.key] as Spec<Record<string, Kind>>;
    query[slot] = n.key;
    for (const [name, kind] of Object.entries(params))
      query[`${slot}.${name}`] = encode(
        kind,
        (n.params as Values<Record<string, Kind>>)[name] ?? null,
      );
    query = sealNotice(query, slot);
  }
  return `${path}${path.includes('?') ? '&' : '?'}${new URLSearchParams(query).toString()}`;
}

/** Longer than any problem detail the API writes; a URL made to fill a screen is refused. */
const MAX_TEXT = 2_000;
// C0 and C1 controls (NUL among them) and lone surrogates are nothing the API or the console
// writes into a notice.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|\p{Cs}/u;
const AMOUNT = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** The value of one parameter as its kind reads it; undefined when it is not one. */
function decode(kind: Kind, raw: string | undefined): unknown {
  const optional = typeof kind === 'string' && kind.endsWith('?');
  if (raw === undefined || raw === '') return optional ? null : undefined;
  if (typeof kind !== 'string') return kind.includes(raw) ? raw : undefined;
  switch (kind) {
    case 'count':
    case 'count?':
      return /^\d{1,15}$/.test(raw) ? Number(raw) : undefined;
    case 'amount':
    case 'amount?':
      // As JavaScript wrote the API's number (0.30000000000000004, 1e+21 included).
      return raw.length <= 32 && AMOUNT.test(raw) && Number.isFinite(Number(raw))
        ? Number(raw)
        : undefined;
    case 'flag':
      return raw === 'yes' ? true : raw === 'no' ? false : undefined;
    case 'instant':
      return raw === 'once' || (INSTANT.test(raw) && !Number.isNaN(Date.parse(raw)))
        ? raw
        : undefined;
    case 'text':
      return raw.length <= MAX_TEXT && !UNPRINTABLE.test(raw) ? raw : undefined;
  }
}

/** A page's query, as Hono's `c.req.query()` gives it. */
export type RedirectQuery = Readonly<Record<string, string | undefined>>;

/** The sentence the query asks for in `slot`, in the current language; undefined if none. */
export function noticeText(
  query: RedirectQuery,
  slot: Slot,
  frame?: Pick<TimeFrame, 'zone'>,
): string | undefined {
  const key = query[slot];
  if (key === undefined || !Object.hasOwn(NOTICES, key) || !sealHolds(query, slot))
    return undefined;
  const { slot: own, params, say } = NOTICES[key as NoticeKey] as Spec<Record<string, Kind>>;
  if (own !== slot) return undefined;
  const values: Record<string, unknown> = {};
  for (const [name, kind] of Object.entries(params)) {
    const value = decode(kind, query[`${slot}.${name}`]);
    if (value === undefined) return undefined;
    values[name] = value;
  }
  // An occurrence in the page's zone (the strategy's), in the same words as the page's times.
  const when = (at: string) =>
    at === 'once' ? t().common.once : wallClock(new Date(at), frame?.zone ?? 'UTC', currentLang());
  return say(t(), values as Values<Record<string, Kind>>, when);
}

/** The green and the red notice a redirect asked for, if any. */
export function RedirectNotices(props: { query: RedirectQuery; frame?: Pick<TimeFrame, 'zone'> }) {
  return (
    <>
      <Flash message={noticeText(props.query, 'done', props.frame)} />
      <ErrorBox message={noticeText(props.query, 'error', props.frame)} />
    </>
  );
}
