// The console's session store: ids are random and long, a session ends at its expiry (the
// clock is injected), sign-out deletes it, and memory is bounded.
import { describe, expect, it } from 'vitest';
import { sameSecret, SESSION_TTL_MS, SessionStore } from '../../src/console/sessions.ts';

describe('console sessions', () => {
  it('creates sessions with distinct 256-bit ids and CSRF tokens, and finds them by id', () => {
    const store = new SessionStore();
    const a = store.create('token-a', 'admin');
    const b = store.create('token-b', 'viewer');
    expect(a.id).not.toBe(b.id);
    expect(a.csrf).not.toBe(a.id);
    expect(Buffer.from(a.id, 'base64url')).toHaveLength(32);
    expect(store.get(a.id)).toMatchObject({ token: 'token-a', role: 'admin' });
    expect(store.get(b.id)).toMatchObject({ token: 'token-b', role: 'viewer' });
    expect(store.get('not-a-session')).toBeUndefined();
    expect(store.get(undefined)).toBeUndefined();
  });

  it('a session ends at its expiry, and at sign-out', () => {
    let now = 1_000_000;
    const store = new SessionStore(() => now);
    const session = store.create('t', 'admin');
    now += SESSION_TTL_MS - 1;
    expect(store.get(session.id)).toBeDefined();
    now += 1;
    expect(store.get(session.id)).toBeUndefined();
    const other = store.create('t', 'admin');
    store.delete(other.id);
    expect(store.get(other.id)).toBeUndefined();
  });

  it('keeps at most 1000 sessions: the oldest goes first', () => {
    const store = new SessionStore();
    const first = store.create('t', 'admin');
    const second = store.create('t', 'admin');
    for (let i = 0; i < 998; i++) store.create('t', 'admin');
    expect(store.get(first.id)).toBeDefined();
    store.create('t', 'admin');
    expect(store.get(first.id)).toBeUndefined();
    expect(store.get(second.id)).toBeDefined();
  });

  it('compares secrets exactly (length and content)', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abd', 'abc')).toBe(false);
    expect(sameSecret('ab', 'abc')).toBe(false);
    expect(sameSecret(undefined, 'abc')).toBe(false);
  });
});
