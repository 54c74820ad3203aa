// Issue 23: CSV exports neutralise text a spreadsheet would run as a formula (OWASP "CSV
// Injection"): user ids and error texts come from outside (a viewer can call the API one), and
// GET /api/v1/grants and the preview's user list wrote them raw. The console's ledger download
// passes the grants export through unchanged. Cell writing is the same on every database, so
// one (SQLite) is enough here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitRecord } from '../../src/cli/csv.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { unique } from '../support/unique-name.ts';

const HOSTILE = [
  ['=HYPERLINK("http://evil.example","x")', `"'=HYPERLINK(""http://evil.example"",""x"")"`],
  ['+1', `"'+1"`],
  ['-1+1', `"'-1+1"`],
  ['@SUM(A1:A9)', `"'@SUM(A1:A9)"`],
] as const;

describe('CSV exports and formula injection', () => {
  let h: Harness;
  let org: string;
  let strategyId: number;
  beforeAll(async () => {
    h = await createHarness('sqlite');
    org = unique('csv-formula');
    const users = HOSTILE.map(([id]) => ({ id, org }));
    expect((await h.call('POST', '/api/v1/users/bulk', users)).status).toBe(200);
    const created = await h.call('POST', '/api/v1/strategies', {
      name: org,
      title: 'formulas',
      type: 'single',
      amount: 2,
      condition: `belong-to("${org}")`,
      enabled: true,
    });
    expect(created.status).toBe(201);
    strategyId = created.body.id as number;
  });
  afterAll(async () => {
    await h.destroy();
  });

  const csv = async (path: string) => {
    const answer = await h.call('GET', path, undefined, { headers: { accept: 'text/csv' } });
    expect(answer.status).toBe(200);
    return (answer.body as string).trimEnd().split('\r\n');
  };

  it('prefixes hostile user ids with a quote in the preview user list; amounts stay numbers', async () => {
    const lines = await csv(`/api/v1/strategies/${strategyId}/preview/users`);
    expect(lines[0]).toBe('user_id,amount');
    expect(lines.slice(1).sort()).toEqual(HOSTILE.map(([, cell]) => `${cell},2`).sort());
  });

  it('prefixes hostile user ids and error texts with a quote in the grants export', async () => {
    expect((await h.call('POST', `/api/v1/strategies/${strategyId}/run`)).body.granted).toBe(4);
    await h.database.db.quotaExecute.create({
      data: {
        strategyId,
        occurrence: 'once',
        userId: `${org}-failed`,
        amount: 2,
        status: 'failed',
        attempts: 1,
        lastError: '=cmd|" /C calc"!A0',
        idempotencyKey: `qm:${strategyId}:once:${org}-failed`,
        strategyVersion: 1,
      },
    });
    const lines = await csv(`/api/v1/grants?strategy_id=${strategyId}`);
    for (const [, cell] of HOSTILE)
      expect(lines.some((line) => line.includes(`,${cell},`))).toBe(true);
    expect(lines.some((line) => line.includes(`,"'=cmd|"" /C calc""!A0",`))).toBe(true);
    // Read back as CSV: the quote stays in front of the text, numbers are unchanged.
    const [header, ...rows] = lines.map((line) => {
      const record = splitRecord(line);
      if (record.kind !== 'fields') throw new Error(`not one CSV record: ${line}`);
      return record.fields;
    });
    const column = (name: string) => rows.map((row) => row[header!.indexOf(name)]);
    expect(rows).toHaveLength(5);
    expect(column('user_id').sort()).toEqual(
      [...HOSTILE.map(([id]) => `'${id}`), `${org}-failed`].sort(),
    );
    expect(column('last_error')).toContain(`'=cmd|" /C calc"!A0`);
    expect(column('amount')).toEqual(Array(5).fill('2'));
  });
});
