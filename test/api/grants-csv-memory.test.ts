// The grants CSV export streams 100 000 ledger rows in flat memory on both databases: pages
// are read as the client takes them (keyset), never the whole ledger at once.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createHarness, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';

const ROWS = 100_000;
/** Live heap growth allowed; buffering the whole ledger would hold 100k entries and their text. */
const HEAP_BOUND_MB = 24;

// Live memory, not garbage awaiting collection: collect before each sample.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const liveHeap = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

describe.each(DATABASE_KINDS)('grants CSV on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
    const db = h.database.db;
    // Set-based inserts: the test is about reading them.
    if (kind === 'sqlite') {
      await db.$executeRawUnsafe(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS})
        INSERT INTO quota_execute (strategy_id, occurrence, user_id, amount, status, attempts, idempotency_key, created_at, updated_at)
        SELECT 7, 'once', 'user-' || i, 5, 'applied', 1, 'qm:7:once:user-' || i, 1768471200000, 1768471200000 FROM n`);
    } else if (kind === 'mysql') {
      // The test server is MariaDB: its sequence engine gives the numbers.
      await db.$executeRawUnsafe(`INSERT INTO quota_execute (strategy_id, occurrence, user_id, amount, status, attempts, idempotency_key, created_at, updated_at)
        SELECT 7, 'once', CONCAT('user-', seq), 5, 'applied', 1, CONCAT('qm:7:once:user-', seq), NOW(3), NOW(3) FROM seq_1_to_${ROWS}`);
    } else {
      await db.$executeRawUnsafe(`INSERT INTO quota_execute (strategy_id, occurrence, user_id, amount, status, attempts, idempotency_key, created_at, updated_at)
        SELECT 7, 'once', 'user-' || i, 5, 'applied', 1, 'qm:7:once:user-' || i, now(), now() FROM generate_series(1, ${ROWS}) i`);
    }
  });
  afterAll(async () => {
    await h.destroy();
  });

  it(`streams ${ROWS} rows with a header in under ${HEAP_BOUND_MB} MB of extra heap`, async () => {
    const response = await h.app.request('/api/v1/grants?strategy_id=7', {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, accept: 'text/csv' },
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    const baseline = liveHeap();
    let chunks = 0;
    let peak = baseline;
    let lines = 0;
    let first = '';
    let tail = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const text = tail + decoder.decode(value, { stream: true });
      const parts = text.split('\r\n');
      tail = parts.pop()!;
      if (lines === 0) first = parts[0]!;
      lines += parts.length;
      if (++chunks % 10 === 0) peak = Math.max(peak, liveHeap());
    }
    expect(first.startsWith('id,strategy_id,strategy_version,user_id')).toBe(true);
    expect(lines).toBe(ROWS + 1);
    const grownMb = (peak - baseline) / 1024 / 1024;
    expect(grownMb).toBeLessThan(HEAP_BOUND_MB);
  });
});
