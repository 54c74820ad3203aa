// A user's credit lots (docs/expiry.md) as a table: a view of the lots the API answered, props in,
// JSX out.
import type { LotJson } from '../../contract/wire-types.ts';
import { fmtAmount, fmtTime } from './layout.tsx';

const stateText = (lot: LotJson) =>
  lot.state === 'expired'
    ? `expired (${lot.expiry_status ?? 'claimed'}): ${fmtAmount(lot.expired_amount ?? 0)} taken back` +
      (lot.carried ? `, ${fmtAmount(lot.carried)} carried over` : '')
    : lot.state === 'expiring'
      ? `expiring: ${fmtAmount(lot.expired_amount ?? 0)} to take back`
      : 'active';

export function LotTable(props: { lots: LotJson[] }) {
  if (props.lots.length === 0) return <p>No lots: this user has no grant that expires.</p>;
  return (
    <table data-testid="lot-table">
      <thead>
        <tr>
          <th>strategy</th>
          <th>occurrence</th>
          <th>source</th>
          <th>amount</th>
          <th>consumed</th>
          <th>remaining</th>
          <th>priority</th>
          <th>expires</th>
          <th>state</th>
        </tr>
      </thead>
      <tbody>
        {props.lots.map((lot) => (
          <tr>
            <td>{lot.strategy_id}</td>
            <td>{lot.occurrence}</td>
            <td>{lot.source}</td>
            <td>{fmtAmount(lot.amount)}</td>
            <td>{fmtAmount(lot.consumed)}</td>
            <td>{fmtAmount(lot.remaining)}</td>
            <td>{lot.priority}</td>
            <td>{fmtTime(lot.expires_at)}</td>
            <td>{stateText(lot)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
