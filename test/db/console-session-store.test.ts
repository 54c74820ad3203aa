// The console's session table on each database: a session made through one connection is read
// through another (a second replica, or the daemon after a restart), expires on time, ends at
// sign-out on every connection, and "sign out everywhere" ends only that caller's sessions.
// What is stored opens nothing by itself (the id's hash, the token sealed).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_TTL_MS, SessionStore } from '../../src/console/sessions.ts';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { createConsoleSessionStore } from '../../src/db/console-session-store.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';

describe.each(DATABASE_KINDS)('console sessions on %s', (kind) => {
  let first: TestDatabase;
  let second: Database;
  let now = Date.parse('2026-12-07T10:00:00Z');
  const clock = () => now;
  let replicaA: SessionStore;
  let replicaB: SessionStore;

  beforeAll(async () => {
    first = await createTestDatabase(kind);
    second = await openDatabase(first.url);
    replicaA = new SessionStore(createConsoleSessionStore(first), clock);
    replicaB = new SessionStore(createConsoleSessionStore(second), clock);
  });
  afterAll(async () => {
    await second.close();
    await first.destroy();
  });

  it('a session made on one replica is the same session on the other', async () => {
    const token = 'a-token-with-非ASCII-and-a-long-tail-'.padEnd(400, 'x');
    const made = await replicaA.create(token, { name: 'ops-alice', role: 'admin' });
    const read = await replicaB.get(made.id);
    expect(read).toEqual(made);
    const rows = await first.db.consoleSession.findMany({
      where: { idHash: createHash('sha256').update(made.id).digest('hex') },
    });
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(made.id);
    expect(JSON.stringify(rows)).not.toContain('long-tail');
  });

  it('expires at the same moment everywhere, and the expired row is dropped at the next sign-in', async () => {
    const made = await replicaA.create('t', { name: 'viewer-bot', role: 'viewer' });
    now += SESSION_TTL_MS - 1;
    expect(await replicaB.get(made.id)).toBeDefined();
    now += 1;
    expect(await replicaB.get(made.id)).toBeUndefined();
    expect(await replicaA.get(made.id)).toBeUndefined();
    await replicaB.create('t', { name: 'viewer-bot', role: 'viewer' });
    const left = await first.db.consoleSession.count({
      where: { expiresAt: { lte: new Date(now) } },
    });
    expect(left).toBe(0);
  });

  it('sign-out on one replica ends the session on the other', async () => {
    const made = await replicaA.create('t', { name: 'admin', role: 'admin' });
    await replicaB.delete(made.id);
    expect(await replicaA.get(made.id)).toBeUndefined();
  });

  it('signing out everywhere ends every session of that caller only', async () => {
    const a = await replicaA.create('t', { name: 'carol', role: 'admin' });
    const b = await replicaB.create('t', { name: 'carol', role: 'admin' });
    const other = await replicaA.create('t', { name: 'dave', role: 'viewer' });
    expect(await replicaB.deleteForCaller('carol')).toBe(2);
    expect(await replicaA.get(a.id)).toBeUndefined();
    expect(await replicaA.get(b.id)).toBeUndefined();
    expect(await replicaB.get(other.id)).toMatchObject({ name: 'dave', role: 'viewer' });
  });

  it.each([
    ['an unknown id', 'A'.repeat(43)],
    ['a NUL byte', `${'A'.repeat(42)}\u0000`],
    ['a huge value', 'A'.repeat(100_000)],
    ['SQL text', "' OR 1=1 --"],
  ])('a cookie with %s finds nothing', async (_label, id) => {
    expect(await replicaB.get(id)).toBeUndefined();
  });
});
