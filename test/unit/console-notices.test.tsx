// A write's notice travels through its redirect as a key and typed parameters, and the page that
// shows it writes the sentence in its own language: a redirect made in English reads in Chinese
// after switching, and a URL cannot make the console say what it never says — nor what it says,
// unless the console sealed it for the session reading it.
import { renderToString } from 'hono/jsx/dom/server';
import { describe, expect, it } from 'vitest';
import { inLanguage } from '../../src/console/i18n/current.ts';
import type { Lang } from '../../src/console/i18n/language.ts';
import {
  notice,
  noticeText as noticeTextUnsealed,
  RedirectNotices,
  sealNotice,
  withNotices as withNoticesUnsealed,
  withNoticeSeal,
  type Notice,
  type RedirectQuery,
} from '../../src/console/pages/notices.tsx';

/** The CSRF secret of the session the tests' redirects are made for and read in. */
const SESSION_SECRET = 'session-secret-of-the-operator';
const inSession = <T,>(run: () => T, secret = SESSION_SECRET): T => withNoticeSeal(secret, run);
const withNotices = (path: string, ...notices: Notice[]) =>
  inSession(() => withNoticesUnsealed(path, ...notices));
const noticeText = (...args: Parameters<typeof noticeTextUnsealed>) =>
  inSession(() => noticeTextUnsealed(...args));

/** The query of a redirect's Location, as the page it lands on reads it. */
const queryOf = (location: string): RedirectQuery =>
  Object.fromEntries(new URL(location, 'http://console.test').searchParams);

const inLang = <T,>(lang: Lang, run: () => T): T => inLanguage({ lang, here: '/ui' }, run);

const shown = (lang: Lang, query: RedirectQuery, zone?: string, secret = SESSION_SECRET) =>
  inSession(
    () =>
      inLang(lang, () =>
        renderToString(<RedirectNotices query={query} frame={zone ? { zone } : undefined} />),
      ),
    secret,
  );

describe('a notice through a redirect', () => {
  it.each<[Notice, string, string]>([
    [notice('saved'), 'Saved.', '已保存。'],
    [notice('user-deleted', { id: 'doomed-1' }), 'Deleted user doomed-1.', 'doomed-1'],
    [notice('sync-started', { full: true }), 'Full sync started', '全量同步已开始'],
    [notice('delivery-will-retry', { delivery: 7 }), 'Delivery 7 will be sent again.', '7'],
    [
      notice('ran', {
        approved: true,
        matched: 3,
        granted: 2,
        failed: 1,
        held_users: null,
        held_amount: null,
        cap_users: null,
        cap_amount: null,
      }),
      'Approved and ran: matched 3, granted 2, failed 1.',
      '符合条件 3',
    ],
  ])('%j is written in the language of the page that shows it', (n, english, chinese) => {
    const query = queryOf(withNotices('/ui/somewhere', n));
    // The sentence itself is not in the URL: only its key and its values.
    expect(Object.values(query).join(' ')).not.toContain(english);
    expect(shown('en', query)).toContain(english);
    const zh = shown('zh-CN', query);
    expect(zh).toContain(chinese);
    expect(zh).not.toContain(english);
  });

  it('keeps the query the page already had', () => {
    const location = withNotices('/ui/users?q=ann', notice('user-deleted', { id: 'a&b=c' }));
    const query = queryOf(location);
    expect(query.q).toBe('ann');
    expect(shown('en', query)).toContain('Deleted user a&amp;b=c.');
  });

  it('shows an occurrence in the zone of the page (the strategy’s), in the page’s style', () => {
    const query = queryOf(
      withNotices(
        '/ui/strategies/1',
        notice('dismissed', { occurrence: '2026-03-09T00:00:00.000Z' }),
      ),
    );
    expect(shown('en', query, 'Asia/Shanghai')).toContain(
      'Dismissed 2026-03-09 08:00 Asia/Shanghai: nothing granted.',
    );
    expect(shown('zh-CN', query, 'Asia/Shanghai')).toContain('2026年3月9日 08:00 Asia/Shanghai');
  });

  it('shows a refusal and what was done side by side, each in its own colour', () => {
    const query = queryOf(
      withNotices(
        '/ui/unknown-grants',
        notice('resolved', { count: 2 }),
        notice('resolve-refused', { failures: '#9: not found' }),
      ),
    );
    const html = shown('en', query);
    expect(html).toContain('<p class="notice ok" role="status">Resolved 2.</p>');
    expect(html).toContain('<p class="notice error" role="alert">Refused: #9: not found</p>');
  });

  it.each([0.30000000000000004, 1e21, 12.5, -3])(
    'carries the amount %d as JavaScript wrote it',
    (amount) => {
      const held = notice('ran', {
        approved: false,
        matched: 1,
        granted: 0,
        failed: 0,
        held_users: 1,
        held_amount: amount,
        cap_users: null,
        cap_amount: amount,
      });
      const text = noticeText(queryOf(withNotices('/ui/strategies/1', held)), 'done');
      expect(text).toContain(
        `it would grant 1 users ${amount.toLocaleString('en-US', { maximumFractionDigits: 2 })} in all`,
      );
    },
  );

  it('shows a run with the circuit breaker open as a refusal, never as done', () => {
    const paused = notice('ran-paused', {
      approved: false,
      matched: 0,
      granted: 0,
      failed: 0,
      held_users: 4,
      held_amount: 400.5,
      cap_users: 3,
      cap_amount: null,
    });
    const html = shown('en', queryOf(withNotices('/ui/strategies/1', paused)));
    expect(html).toContain('class="notice error"');
    expect(html).toContain('it would grant 4 users 400.5 in all (cap: 3 users)');
    expect(html).toContain('circuit breaker open');
    expect(html).not.toContain('notice ok');
  });
});

describe('a forged notice', () => {
  it.each<[string, RedirectQuery]>([
    ['text in place of a key', { done: 'Your account is locked: call +1 555 0100' }],
    ['an unknown key', { done: 'payment-received' }],
    ['a key of Object.prototype', { done: 'constructor' }],
    ['__proto__', { done: '__proto__' }],
    ['a refusal asked for as done', { done: 'webhook-refused', 'done.why': 'x' }],
    ['done asked for as a refusal', { error: 'saved' }],
    ['a missing parameter', { done: 'user-deleted' }],
    ['an empty parameter', { done: 'user-deleted', 'done.id': '' }],
    ['a count that is not one', { done: 'resolved', 'done.count': '1e9' }],
    [
      'an amount that is not one',
      {
        done: 'ran',
        'done.approved': 'no',
        'done.matched': '1',
        'done.granted': '1',
        'done.failed': '0',
        'done.held_amount': 'Infinity',
      },
    ],
    [
      'an amount out of range',
      {
        done: 'ran',
        'done.approved': 'no',
        'done.matched': '1',
        'done.granted': '1',
        'done.failed': '0',
        'done.held_amount': '1e999',
      },
    ],
    ['a negative count', { done: 'resolved', 'done.count': '-1' }],
    ['a flag that is not one', { done: 'sync-started', 'done.full': 'true' }],
    ['a word outside its set', { done: 'webhook-done', 'done.action': 'pay', 'done.id': '1' }],
    ['an instant that is not one', { done: 'dismissed', 'done.occurrence': 'tomorrow' }],
    ['NUL in a text', { done: 'user-deleted', 'done.id': 'a\u0000b' }],
    ['a lone surrogate in a text', { done: 'user-deleted', 'done.id': 'a\uD800b' }],
    ['a screenful of text', { done: 'user-deleted', 'done.id': 'x'.repeat(2_001) }],
  ])('shows nothing for %s, even sealed for the session', (_, query) => {
    const sealed = inSession(() => sealNotice(query as Record<string, string>, 'done'));
    const slot = 'error' in query ? 'error' : 'done';
    const both = inSession(() => sealNotice(sealed, slot));
    expect(shown('en', both)).toBe('');
    expect(shown('zh-CN', both)).toBe('');
  });

  it('shows nothing without the seal, however well formed', () => {
    const refused = {
      error: 'action-refused',
      'error.action': 'run',
      'error.why': 'your account is locked: call +1 555 0100',
    };
    expect(shown('en', refused)).toBe('');
    expect(shown('en', { done: 'saved' })).toBe('');
    // The same query sealed by the console for this session is shown.
    expect(
      shown(
        'en',
        inSession(() => sealNotice(refused, 'error')),
      ),
    ).toContain('your account is locked');
  });

  it('shows nothing sealed for another session, or changed after sealing', () => {
    const query = queryOf(withNotices('/ui/users', notice('user-deleted', { id: 'ann' })));
    expect(shown('en', query)).toContain('Deleted user ann.');
    expect(shown('en', query, undefined, 'another-session-secret')).toBe('');
    expect(shown('en', { ...query, 'done.id': 'bob' })).toBe('');
    const seal = query['done.seal']!;
    const altered = `${seal[0] === 'A' ? 'B' : 'A'}${seal.slice(1)}`;
    expect(shown('en', { ...query, 'done.seal': altered })).toBe('');
    // Outside a signed-in request nothing is sealed, and nothing is shown.
    expect(renderToString(<RedirectNotices query={query} />)).toBe('');
  });

  it('escapes the values it does show', () => {
    const html = shown(
      'en',
      inSession(() =>
        sealNotice({ done: 'user-deleted', 'done.id': '<img src=x onerror=alert(1)>' }, 'done'),
      ),
    );
    expect(html).toContain('Deleted user &lt;img src=x onerror=alert(1)&gt;.');
    expect(html).not.toContain('<img');
  });

  it('reads non-ASCII ids as they are', () => {
    const query = inSession(() =>
      sealNotice({ done: 'user-deleted', 'done.id': '用户😀' }, 'done'),
    );
    expect(noticeText(query, 'done')).toBe('Deleted user 用户😀.');
  });
});
