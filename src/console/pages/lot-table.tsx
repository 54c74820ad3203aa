// A user's credit lots (docs/expiry.md) as a table: a view of the lots the API answered, props in,
// JSX out.
import type { LotJson } from '../api-types.ts';
import { When, type TimeFrame } from './instant.tsx';
import { fmtAmount } from './layout.tsx';
import { t } from '../i18n/current.ts';

function stateText(lot: LotJson): string {
  const m = t();
  if (lot.state === 'expired')
    return m.lots.expired(
      lot.expiry_status ? m.ledger.statuses[lot.expiry_status] : m.lots.claimed,
      fmtAmount(lot.expired_amount ?? 0),
      lot.carried ? fmtAmount(lot.carried) : undefined,
    );
  if (lot.state === 'expiring') return m.lots.expiring(fmtAmount(lot.expired_amount ?? 0));
  return m.lots.active;
}

export function LotTable(props: { lots: LotJson[]; frame: TimeFrame }) {
  const m = t().lots;
  if (props.lots.length === 0) return <p>{m.none}</p>;
  return (
    <table data-testid="lot-table">
      <thead>
        <tr>
          <th>{m.strategy}</th>
          <th>{m.occurrence}</th>
          <th>{m.source}</th>
          <th>{m.amount}</th>
          <th>{m.consumed}</th>
          <th>{m.remaining}</th>
          <th>{m.priority}</th>
          <th>{m.expires}</th>
          <th>{m.state}</th>
        </tr>
      </thead>
      <tbody>
        {props.lots.map((lot) => (
          <tr>
            <td>{lot.strategy_id}</td>
            <td>
              <When at={lot.occurrence} frame={props.frame} />
            </td>
            <td>{m.sources[lot.source]}</td>
            <td>{fmtAmount(lot.amount)}</td>
            <td>{fmtAmount(lot.consumed)}</td>
            <td>{fmtAmount(lot.remaining)}</td>
            <td>{lot.priority}</td>
            <td>
              <When at={lot.expires_at} frame={props.frame} />
            </td>
            <td>{stateText(lot)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
