// The ids a full run read from the source, kept to find the users it no longer has. A Set of
// the ids themselves cost ~100 bytes each (100 MB for a million users, on top of everything a
// run holds); this keeps a 53-bit hash of each, 8 bytes in a typed array, sorted once when the
// reading is done and binary-searched after.
//
// A hash collision can only make a user that vanished look seen: it is kept, never a present
// user deleted. With n ids the chance that a given vanished user is missed is about n / 2^53
// (1e-10 at a million), and the next full run looks again.

export class SeenIds {
  private hashes = new Float64Array(1024);
  private size = 0;
  private sealed = false;

  add(id: string): void {
    if (this.sealed) throw new Error('SeenIds: add after seal');
    if (this.size === this.hashes.length) {
      const grown = new Float64Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[this.size++] = hash53(id);
  }

  /** Ends the reading: sorts the hashes so that `has` can search them. */
  seal(): void {
    if (this.sealed) return;
    this.hashes = this.hashes.slice(0, this.size).sort();
    this.sealed = true;
  }

  /** True if `id` was added (or, rarely, collides with one that was: see above). */
  has(id: string): boolean {
    if (!this.sealed) throw new Error('SeenIds: has before seal');
    const wanted = hash53(id);
    let low = 0;
    let high = this.hashes.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const value = this.hashes[mid]!;
      if (value === wanted) return true;
      if (value < wanted) low = mid + 1;
      else high = mid - 1;
    }
    return false;
  }

  get count(): number {
    return this.size;
  }
}

/**
 * Two 32-bit multiplicative hashes over the UTF-16 code units (different multipliers, each
 * finished with xor-shift mixing), 21 bits of one above 32 of the other: an integer below 2^53,
 * exact in a double.
 */
export function hash53(text: string): number {
  let a = 0x811c9dc5;
  let b = 0x2545f491;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x5bd1e995);
    b ^= b >>> 15;
  }
  a ^= a >>> 16;
  a = Math.imul(a, 0x85ebca6b);
  a ^= a >>> 13;
  b ^= b >>> 13;
  b = Math.imul(b, 0xc2b2ae35);
  b ^= b >>> 16;
  return (b & 0x1fffff) * 0x100000000 + (a >>> 0);
}
