// A keyset page from a store read of one row more than the page holds: the extra row only says
// whether a next page exists, so the last page answers `next: null` instead of an empty page.
import type { CountedPage, Page } from '../ports/stores.ts';

export function keysetPage<T, K>(
  read: Page<T>,
  limit: number,
  keyOf: (row: T) => K,
): CountedPage<T, K> {
  const items = read.items.slice(0, limit);
  const more = read.items.length > limit && items.length > 0;
  return { items, total: read.total, next: more ? keyOf(items[items.length - 1]!) : null };
}
