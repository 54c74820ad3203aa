// SeenIds: the ids a full user sync read, as sorted 53-bit hashes. Every added id is found,
// ids never added are not (including near misses: case, trailing space, one code unit), it
// grows past its first buffer, and hashes are integers a double holds exactly.
import { describe, expect, it } from 'vitest';
import { hash53, SeenIds } from '../../src/core/user-source/seen-ids.ts';

describe('SeenIds', () => {
  it('finds what was added and nothing else, near misses included', () => {
    const seen = new SeenIds();
    const added = ['ann', 'Bob', 'usér-é', '😀', '', '42', 'a '];
    for (const id of added) seen.add(id);
    seen.seal();
    for (const id of added) expect(seen.has(id), id).toBe(true);
    for (const id of ['Ann', 'bob', 'a', 'usér-e', '😁', ' ', '042', 'a  '])
      expect(seen.has(id), id).toBe(false);
  });

  it('holds 200 000 ids (the buffer grows) and tells them from 200 000 others', () => {
    const seen = new SeenIds();
    for (let i = 0; i < 200_000; i++) seen.add(`user-${i}`);
    seen.seal();
    expect(seen.count).toBe(200_000);
    let found = 0;
    let falsePositives = 0;
    for (let i = 0; i < 200_000; i++) {
      if (seen.has(`user-${i}`)) found++;
      if (seen.has(`other-${i}`)) falsePositives++;
    }
    expect(found).toBe(200_000);
    expect(falsePositives).toBe(0);
  });

  it('hashes to distinct safe integers below 2^53', () => {
    const hashes = new Set<number>();
    for (let i = 0; i < 100_000; i++) {
      const h = hash53(`id-${i}`);
      expect(Number.isSafeInteger(h) && h >= 0).toBe(true);
      hashes.add(h);
    }
    expect(hashes.size).toBe(100_000);
  });

  it('refuses to be searched before it is sealed, or added to after', () => {
    const seen = new SeenIds();
    seen.add('x');
    expect(() => seen.has('x')).toThrow(/before seal/);
    seen.seal();
    expect(() => seen.add('y')).toThrow(/after seal/);
  });
});
