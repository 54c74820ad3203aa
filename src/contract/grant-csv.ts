// The grant ledger as CSV: the API's export (GET /api/v1/grants, Accept: text/csv) and the CLI's
// `grants export` print the same columns, named and written as in the JSON answer.
import type { LedgerEntry } from '../core/model/ledger-entry.ts';
import { ledgerEntryJson } from './serialize.ts';

/** The CSV export's columns, in the JSON answer's field names. */
export const GRANT_CSV_HEADER = [
  'id',
  'strategy_id',
  'strategy_version',
  'user_id',
  'occurrence',
  'amount',
  'mode',
  'balance_before',
  'delta_sent',
  'target',
  'status',
  'attempts',
  'last_error',
  'catch_up',
  'created_at',
  'updated_at',
] as const;

/** One ledger entry's cells, in the header's order. */
export function grantCsvFields(entry: LedgerEntry) {
  const json = ledgerEntryJson(entry);
  return GRANT_CSV_HEADER.map((column) => json[column]);
}
