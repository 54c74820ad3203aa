// What one grant did to a user's balance, the same way wherever the console shows a ledger row:
// the balance read before sending (top_up and reset read one; add reads none), what was sent
// (the delta; a top-up sends only the difference to its target), and the target (top_up and
// reset). A row's `amount` alone would show a top-up's target as if it had been sent.
import type { LedgerEntryJson } from '../api-types.ts';
import { fmtAmount } from './layout.tsx';
import { t } from '../i18n/current.ts';

const shown = (n: number | null) => (n === null ? '—' : fmtAmount(n));

/** What was sent: the recorded delta; an add grant sends its amount, recorded or not yet. */
function sent(row: LedgerEntryJson): number | null {
  return row.delta_sent ?? (row.mode === 'add' ? row.amount : null);
}

export function GrantAmountHeads() {
  const m = t().ledger;
  return (
    <>
      <th scope="col" class="num">
        {m.balanceBefore}
      </th>
      <th scope="col" class="num">
        {m.sent}
      </th>
      <th scope="col" class="num">
        {m.target}
      </th>
    </>
  );
}

export function GrantAmountCells(props: { row: LedgerEntryJson }) {
  const { row } = props;
  return (
    <>
      <td class="num" data-col="balance_before">
        {shown(row.balance_before)}
      </td>
      <td class="num" data-col="delta_sent">
        {shown(sent(row))}
      </td>
      <td class="num" data-col="target">
        {shown(row.target)}
      </td>
    </>
  );
}
