// The console's sessions: ids are random and long, the store sees only the id's hash and a
// sealed token (neither replays as a cookie nor reveals the token), a session ends at its expiry
// (the clock is injected), sign-out deletes it, and "sign out everywhere" ends a caller's all.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  openToken,
  sameSecret,
  sealToken,
  SESSION_TTL_MS,
  SessionStore,
} from '../../src/console/sessions.ts';
import { MemoryConsoleSessions } from '../support/memory-console-sessions.ts';

const admin = { name: 'admin', role: 'admin' } as const;
const viewer = { name: 'viewer-bot', role: 'viewer' } as const;

describe('console sessions', () => {
  it('creates sessions with distinct 256-bit ids and CSRF tokens, and finds them by id', async () => {
    const store = new SessionStore(new MemoryConsoleSessions());
    const a = await store.create('token-a', admin);
    const b = await store.create('token-b', viewer);
    expect(a.id).not.toBe(b.id);
    expect(a.csrf).not.toBe(a.id);
    expect(a.csrf).not.toBe(b.csrf);
    expect(Buffer.from(a.id, 'base64url')).toHaveLength(32);
    expect(await store.get(a.id)).toMatchObject({ token: 'token-a', role: 'admin', csrf: a.csrf });
    expect(await store.get(b.id)).toMatchObject({
      token: 'token-b',
      role: 'viewer',
      name: 'viewer-bot',
    });
    expect(await store.get('not-a-session')).toBeUndefined();
    expect(await store.get(undefined)).toBeUndefined();
    expect(await store.get('')).toBeUndefined();
  });

  it('stores only the SHA-256 of the id and the token sealed; the rows alone open nothing', async () => {
    const records = new MemoryConsoleSessions();
    const store = new SessionStore(records);
    const token = 'a-secret-api-token-0123456789-张三';
    const session = await store.create(token, admin);
    const [row] = [...records.rows.values()];
    expect(row!.idHash).toBe(createHash('sha256').update(session.id).digest('hex'));
    const stored = JSON.stringify([...records.rows.values()]);
    expect(stored).not.toContain(session.id);
    expect(stored).not.toContain(token);
    expect(stored).not.toContain(session.csrf);
    // The hash used as if it were the cookie finds nothing.
    expect(await store.get(row!.idHash)).toBeUndefined();
    expect(openToken(session.id, row!.sealedToken)).toBe(token);
    // One character changed (an id ending in "A" already gets a "B": 1 run in 64 did).
    const other = session.id.endsWith('A') ? 'B' : 'A';
    expect(openToken(`${session.id.slice(0, -1)}${other}`, row!.sealedToken)).toBeUndefined();
  });

  it('a sealed token that was altered, cut short or is garbage opens to nothing', () => {
    const id = 'x'.repeat(43);
    const sealed = sealToken(id, 'token');
    const bytes = Buffer.from(sealed, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(openToken(id, bytes.toString('base64url'))).toBeUndefined();
    expect(openToken(id, sealed.slice(0, 10))).toBeUndefined();
    expect(openToken(id, '\u0000%%%')).toBeUndefined();
    expect(openToken(id, sealed)).toBe('token');
  });

  it('a session ends at its expiry, and at sign-out', async () => {
    let now = 1_000_000;
    const store = new SessionStore(new MemoryConsoleSessions(), () => now);
    const session = await store.create('t', admin);
    now += SESSION_TTL_MS - 1;
    expect(await store.get(session.id)).toBeDefined();
    now += 1;
    expect(await store.get(session.id)).toBeUndefined();
    const other = await store.create('t', admin);
    await store.delete(other.id);
    expect(await store.get(other.id)).toBeUndefined();
  });

  it('drops expired rows when a session is made, so the table does not grow without bound', async () => {
    let now = 1_000_000;
    const records = new MemoryConsoleSessions();
    const store = new SessionStore(records, () => now);
    for (let i = 0; i < 5; i++) await store.create('t', admin);
    now += SESSION_TTL_MS;
    await store.create('t', admin);
    expect(records.rows.size).toBe(1);
  });

  it('many sign-ins never push out another session (no eviction)', async () => {
    const store = new SessionStore(new MemoryConsoleSessions());
    const operator = await store.create('t', admin);
    for (let i = 0; i < 1001; i++) await store.create('v', viewer);
    expect(await store.get(operator.id)).toMatchObject({ name: 'admin' });
  });

  it('signing out everywhere ends every session of that caller and no other', async () => {
    const store = new SessionStore(new MemoryConsoleSessions());
    const [a1, a2, v] = [
      await store.create('t', admin),
      await store.create('t', admin),
      await store.create('v', viewer),
    ];
    expect(await store.deleteForCaller('admin')).toBe(2);
    expect(await store.get(a1.id)).toBeUndefined();
    expect(await store.get(a2.id)).toBeUndefined();
    expect(await store.get(v.id)).toBeDefined();
  });

  it('compares secrets exactly (length and content)', () => {
    expect(sameSecret('abc', 'abc')).toBe(true);
    expect(sameSecret('abd', 'abc')).toBe(false);
    expect(sameSecret('ab', 'abc')).toBe(false);
    expect(sameSecret(undefined, 'abc')).toBe(false);
  });
});
