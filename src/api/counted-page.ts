// The two halves every counted keyset list of the API shares: the paging its query asks for
// (a keyset cursor, or the deprecated offset of the lists that were offset-paged) and the JSON
// page it answers (`items`, `next_cursor` of that list, `total`).
import { encodeCursor, type CursorList } from '../contract/schemas/cursor.ts';
import type { CountedPage } from '../core/ports/stores.ts';

export interface PagingQuery {
  cursor?: number;
  offset?: number;
  limit: number;
}

/** The use case's paging: continue after the cursor's id, or (without a cursor) skip `offset`. */
export function pagingOf({ cursor, offset, limit }: PagingQuery): {
  limit: number;
  afterId?: number;
  offset?: number;
} {
  return { limit, ...(cursor === undefined ? { offset } : { afterId: cursor }) };
}

/** A page of `list` as the API answers it, each item through `itemJson`. */
export function countedPageJson<T, Json>(
  list: CursorList,
  page: CountedPage<T>,
  itemJson: (item: T) => Json,
): { items: Json[]; next_cursor: string | null; total: number } {
  return {
    items: page.items.map((item) => itemJson(item)),
    next_cursor: encodeCursor(list, page.next),
    total: page.total,
  };
}
