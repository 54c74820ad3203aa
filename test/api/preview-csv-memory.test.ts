// The CSV export of a preview streams: 100 000 would-be-granted users go out page by page while
// the heap stays flat. Measured in this process (the app runs in-process): heap after a forced
// GC before the request, then at checkpoints while the body is read; the growth must stay far
// below what holding the users would take (100 000 candidate objects and their ids: > 15 MB).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/databases.ts';
import { ADMIN_TOKEN, createHarness, type Harness } from '../support/app-harness.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const USERS = 100_000;
/** Bound on retained heap growth while streaming (see the header comment). */
const MAX_GROWTH_BYTES = 8 * 1024 * 1024;

const retainedHeap = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

describe.each(DATABASE_KINDS)('preview CSV of 100k users on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { pageSize: 1000 });
    // Bulk rows straight into the table: the API's upsert path is not what this test is about.
    const db = h.database.db;
    if (kind === 'postgresql') {
      await db.$executeRawUnsafe(
        `INSERT INTO user_info (id, org, vip) SELECT 'mem-' || lpad(g::text, 6, '0'), 'mem', 1 FROM generate_series(1, ${USERS}) g`,
      );
    } else if (kind === 'mysql') {
      // The test server is MariaDB: its sequence engine gives the numbers.
      await db.$executeRawUnsafe(
        `INSERT INTO user_info (id, org, vip) SELECT CONCAT('mem-', LPAD(seq, 6, '0')), 'mem', 1 FROM seq_1_to_${USERS}`,
      );
    } else {
      await db.$executeRawUnsafe(
        `WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < ${USERS})
         INSERT INTO user_info (id, org, vip) SELECT 'mem-' || substr('000000' || n, -6), 'mem', 1 FROM g`,
      );
    }
  }, 120_000);
  afterAll(async () => {
    await h.destroy();
  });

  it('streams every user with a header row while the heap stays flat', async () => {
    const created = await h.call('POST', '/api/v1/strategies', {
      name: 'mem',
      title: 'mem',
      type: 'single',
      amount: 1,
      condition: 'belong-to("mem")',
    });
    expect(created.status).toBe(201);
    const baseline = retainedHeap();
    const response = await h.app.request(`/api/v1/strategies/${created.body.id}/preview/users`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, accept: 'text/csv' },
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let lines = 0;
    let bytes = 0;
    let first = '';
    let last = '';
    let peak = 0;
    let chunks = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      const text = decoder.decode(value, { stream: true });
      if (chunks === 0) first = text.slice(0, text.indexOf('\r\n'));
      lines += text.split('\r\n').length - 1;
      last = text.length > 2 ? text : last;
      if (++chunks % 10 === 0) peak = Math.max(peak, retainedHeap() - baseline);
    }
    peak = Math.max(peak, retainedHeap() - baseline);
    expect(first).toBe('user_id,amount');
    expect(lines).toBe(USERS + 1);
    expect(last.endsWith(`mem-${String(USERS)},1\r\n`)).toBe(true);
    expect(bytes).toBeGreaterThan(USERS * 12);
    expect(
      peak,
      `retained heap grew ${(peak / 1048576).toFixed(1)} MB while streaming ${bytes} bytes`,
    ).toBeLessThan(MAX_GROWTH_BYTES);
  }, 300_000);
});
