// Reads the mock gateway's whole delta log (GET /__mock/deltas), page by page, for checkers
// that compare what the gateway applied with what the ledger says.
import type { DeltaLogItem, DeltaPage } from '../../mock-gateway/delta-log.ts';
import { MOCK_KEY } from './processes.ts';

/** One applied delta or refresh, as the mock's log has it. */
export type DeltaLogEntry = DeltaLogItem;

/** Every entry of the delta log after `after`, in `seq` order. */
export async function readDeltaLog(mockUrl: string, after = 0): Promise<DeltaLogEntry[]> {
  const entries: DeltaLogEntry[] = [];
  let cursor: number | null = after;
  while (cursor !== null) {
    const response = await fetch(`${mockUrl}/__mock/deltas?after=${cursor}&limit=10000`, {
      headers: { 'x-admin-key': MOCK_KEY },
    });
    if (!response.ok) throw new Error(`delta log answered ${response.status}`);
    const page = (await response.json()) as DeltaPage;
    entries.push(...page.items);
    cursor = page.next_after;
  }
  return entries;
}

/** Applied (non-replay) grant deltas per idempotency key; refreshes and replays left out. */
export function appliedDeltasByKey(entries: readonly DeltaLogEntry[]): Map<string, number> {
  const byKey = new Map<string, number>();
  for (const entry of entries) {
    if (entry.kind !== 'delta' || entry.replay) continue;
    const key = entry.idempotency_key ?? '(no key)';
    byKey.set(key, (byKey.get(key) ?? 0) + 1);
  }
  return byKey;
}
