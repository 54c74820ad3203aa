// The links under a keyset list: "Next" carries the API's next_cursor, "First page" drops it;
// both keep the list's filters. Plain links, so paging needs no JavaScript. (A keyset has no
// cheap "previous": going back is the browser's Back.)
import { t } from '../i18n/current.ts';
import { base } from './layout.tsx';

/** The query string of a console link: empty values left out, so links stay short. */
export function linkQuery(query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function Pager(props: {
  /** The console path of the list (without the base path). */
  path: string;
  /** The list's filters, kept in both links. */
  query: Record<string, string | undefined>;
  /** The cursor this page was read with (none on the first page). */
  cursor: string | undefined;
  next: string | null;
  /** When the list shares its page with others: the query parameter its cursor travels in. */
  cursorParam?: string;
  testId?: string;
}) {
  const param = props.cursorParam ?? 'cursor';
  if (!props.cursor && !props.next) return null;
  const href = (cursor: string | undefined) =>
    `${base()}${props.path}${linkQuery({ ...props.query, [param]: cursor })}`;
  const m = t().common.pager;
  return (
    <nav class="row pager" aria-label={m.label} data-testid={props.testId ?? 'pager'}>
      {props.cursor && <a href={href(undefined)}>{m.first}</a>}
      {props.next && (
        <a href={href(props.next)} rel="next">
          {m.next}
        </a>
      )}
    </nav>
  );
}
