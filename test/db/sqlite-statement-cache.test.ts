// The SQLite adapter re-prepared every statement; src/db/sqlite-statement-cache.ts keeps them by
// SQL text. A kept statement must behave exactly like a fresh one: its own arguments each time,
// rows and changes as before, clean after a failed run, and the cache bounded.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { cachePreparedStatements } from '../../src/db/sqlite-statement-cache.ts';

const dir = mkdtempSync(join(tmpdir(), 'qm-stmt-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A database whose real `prepare` calls are counted, with the cache installed over it. */
function countedDatabase(capacity?: number) {
  const db = new Database(':memory:');
  const prepared: string[] = [];
  const prepare = db.prepare.bind(db);
  db.prepare = (sql: string) => {
    prepared.push(sql);
    return prepare(sql);
  };
  const cache = cachePreparedStatements(db, capacity);
  return { db, prepared, cache };
}

describe('SQLite statement cache', () => {
  it('prepares a statement once and runs it with each call’s own arguments', () => {
    const { db, prepared } = countedDatabase();
    db.prepare('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)').run();
    const insert = 'INSERT INTO t (id, name) VALUES (?, ?)';
    expect(db.prepare(insert).bind([1, 'ä']).run()).toMatchObject({ changes: 1 });
    expect(db.prepare(insert).bind([2, '\u{1F600}\u0000x']).run()).toMatchObject({ changes: 1 });
    const select = 'SELECT id, name FROM t WHERE id >= ? ORDER BY id';
    const first = db.prepare(select).bind([1]);
    expect(first.reader).toBe(true);
    expect(first.columns().map((c) => c.name)).toEqual(['id', 'name']);
    expect(first.raw().all()).toEqual([
      [1, 'ä'],
      [2, '\u{1F600}\u0000x'],
    ]);
    expect(db.prepare(select).bind([2]).raw().all()).toEqual([[2, '\u{1F600}\u0000x']]);
    expect(prepared.filter((sql) => sql === insert)).toHaveLength(1);
    expect(prepared.filter((sql) => sql === select)).toHaveLength(1);
  });

  it('gives each use of a kept statement the row shape it asks for', () => {
    const { db } = countedDatabase();
    const select = 'SELECT 1 AS one';
    expect(db.prepare(select).raw().all()).toEqual([[1]]);
    expect(db.prepare(select).all()).toEqual([{ one: 1 }]);
    expect(db.prepare(select).raw(false).all()).toEqual([{ one: 1 }]);
    expect(db.prepare(select).raw(true).all()).toEqual([[1]]);
  });

  it('runs a kept statement cleanly after it failed', () => {
    const { db } = countedDatabase();
    db.prepare('CREATE TABLE u (id INTEGER PRIMARY KEY)').run();
    const insert = 'INSERT INTO u (id) VALUES (?)';
    db.prepare(insert).bind([1]).run();
    expect(() => db.prepare(insert).bind([1]).run()).toThrow(/UNIQUE/);
    expect(db.prepare(insert).bind([2]).run()).toMatchObject({ changes: 1 });
    expect(db.prepare('SELECT COUNT(*) FROM u').raw().all()).toEqual([[2]]);
  });

  it('keeps at most its capacity, dropping the least recently used', () => {
    const { db, prepared, cache } = countedDatabase(2);
    const a = 'SELECT 1';
    const b = 'SELECT 2';
    const c = 'SELECT 3';
    db.prepare(a).raw().all();
    db.prepare(b).raw().all();
    db.prepare(a).raw().all(); // a is now the most recent
    db.prepare(c).raw().all(); // drops b
    expect(cache.size).toBe(2);
    db.prepare(a).raw().all();
    db.prepare(b).raw().all();
    expect(prepared).toEqual([a, b, c, b]);
  });

  it('serves the daemon’s connection: raw queries and transactions through Prisma', async () => {
    const database = await openDatabase(`file:${join(dir, 'cache.db')}`);
    try {
      const { db } = database;
      await db.$executeRawUnsafe('CREATE TABLE v (id INTEGER PRIMARY KEY, n INTEGER)');
      for (let i = 1; i <= 3; i++)
        await db.$executeRawUnsafe('INSERT INTO v (id, n) VALUES (?, ?)', i, i * 10);
      await expect(
        db.$transaction(async (tx) => {
          await tx.$executeRawUnsafe('UPDATE v SET n = n + 1 WHERE id = ?', 1);
          throw new Error('roll back');
        }),
      ).rejects.toThrow('roll back');
      await db.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('UPDATE v SET n = n + 1 WHERE id = ?', 2);
      });
      const rows = await db.$queryRawUnsafe<{ id: bigint; n: bigint }[]>(
        'SELECT id, n FROM v WHERE id > ? ORDER BY id',
        0,
      );
      expect(rows.map((r) => [Number(r.id), Number(r.n)])).toEqual([
        [1, 10],
        [2, 21],
        [3, 30],
      ]);
    } finally {
      await database.close();
    }
  });
});
