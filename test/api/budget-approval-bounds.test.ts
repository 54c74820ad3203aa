// An approval lets one held occurrence past its budget caps as the operator saw it: bound to the
// strategy version it was given at and to the users and amount the occurrence needed then. A
// new version (a broader condition, a larger amount) or more users than approved holds the
// occurrence again. The approve endpoint takes the strategy's ETag as If-Match, like PUT and
// PATCH. Through the API on every database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { unique } from '../support/unique-name.ts';

describe.each(DATABASE_KINDS)('approvals bound to a version and counts on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { pageSize: 10 });
  });
  afterAll(async () => {
    await h.destroy();
  });

  async function usersInOrg(org: string, count: number) {
    const users = Array.from({ length: count }, (_, i) => ({ id: `${org}-u${i}`, org }));
    expect((await h.call('POST', '/api/v1/users/bulk', users)).status).toBe(200);
  }

  /** A single strategy over `org` (3 users), capped at 2 users, held by its first run. */
  async function heldStrategy() {
    const org = unique('org');
    await usersInOrg(org, 3);
    const created = await h.call('POST', '/api/v1/strategies', {
      name: unique('approve'),
      title: 'capped',
      type: 'single',
      amount: 2,
      enabled: true,
      condition: `belong-to("${org}")`,
      max_users_per_occurrence: 2,
    });
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    expect((await run(id)).body.held).toMatchObject({ needed_users: 3 });
    return { id, org, etag: created.headers.get('etag')! };
  }

  const run = (id: number) => h.call('POST', `/api/v1/strategies/${id}/run`);
  const approve = (id: number, headers: Record<string, string> = {}) =>
    h.call('POST', `/api/v1/strategies/${id}/occurrences/once/approve`, undefined, { headers });
  const occurrenceRow = (id: number) =>
    h.database.db.strategyOccurrence.findUnique({
      where: { strategyId_occurrence: { strategyId: id, occurrence: 'once' } },
    });
  const approvals = (id: number) =>
    h.database.db.auditEvent.findMany({
      where: { targetType: 'strategy', targetId: String(id), action: 'occurrence.approve' },
    });
  const heldLogs = (id: number) =>
    h.logger.lines.filter(
      (l) => l.message.startsWith('occurrence held') && l.fields?.strategy_id === id,
    );

  it('records the version and the counts it approved, and audits them', async () => {
    const { id } = await heldStrategy();
    const approved = await approve(id);
    expect(approved).toMatchObject({ status: 200, body: { granted: 3, held: null } });
    expect(await occurrenceRow(id)).toMatchObject({
      status: 'open',
      approvedBy: 'admin',
      approvedVersion: 1,
      approvedUsers: 3,
    });
    expect(Number((await occurrenceRow(id))?.approvedAmount)).toBe(6);
    const [audit] = await approvals(id);
    expect(JSON.parse(audit!.changes!)).toMatchObject({
      occurrence: 'once',
      strategy_version: 1,
      approved_users: 3,
      approved_amount: 6,
    });
  });

  it('a new version is not approved: a broader condition and a larger amount are held again', async () => {
    const { id, org } = await heldStrategy();
    expect((await approve(id)).body).toMatchObject({ granted: 3 });
    const more = unique('more');
    await usersInOrg(more, 37);
    const patched = await h.call('PATCH', `/api/v1/strategies/${id}`, {
      condition: `belong-to("${org}") or belong-to("${more}")`,
      amount: 100,
    });
    expect(patched).toMatchObject({ status: 200, body: { version: 2 } });
    const logsBefore = heldLogs(id).length;
    const after = await run(id);
    expect(after).toMatchObject({
      status: 200,
      body: { granted: 0, held: { needed_users: 40, max_users_per_occurrence: 2 } },
    });
    expect(await h.database.db.quotaExecute.count({ where: { strategyId: id } })).toBe(3);
    expect((await occurrenceRow(id))?.status).toBe('held');
    expect(heldLogs(id)).toHaveLength(logsBefore + 1);
    // Held again, and logged once: a second run does not log it again.
    expect((await run(id)).body).toMatchObject({ granted: 0 });
    expect(heldLogs(id)).toHaveLength(logsBefore + 1);
  });

  it('more users than approved are held again; a change of title keeps the approval', async () => {
    const { id, org } = await heldStrategy();
    expect((await approve(id)).body).toMatchObject({ granted: 3 });
    // No new version: the approval still applies, and the occurrence needs nothing more.
    await h.call('PATCH', `/api/v1/strategies/${id}`, { title: 'renamed' });
    expect(await run(id)).toMatchObject({ status: 200, body: { granted: 0, held: null } });
    expect((await occurrenceRow(id))?.status).toBe('open');
    // A fourth user: 4 needed, 3 approved.
    await h.call('PUT', `/api/v1/users/${org}-late`, { org });
    const after = await run(id);
    expect(after).toMatchObject({
      status: 200,
      body: { granted: 0, held: { needed_users: 4, max_users_per_occurrence: 2 } },
    });
    expect((await occurrenceRow(id))?.status).toBe('held');
    // Approved again for 4, the late user is granted.
    expect(await approve(id)).toMatchObject({ status: 200, body: { granted: 1, held: null } });
    expect(await occurrenceRow(id)).toMatchObject({ approvedUsers: 4 });
  });

  it('If-Match: a stale tag is 412 and writes nothing, a malformed one 400, the current one approves', async () => {
    const { id, etag } = await heldStrategy();
    const renamed = await h.call('PATCH', `/api/v1/strategies/${id}`, { title: 'moved on' });
    expect(renamed.status).toBe(200);
    const current = renamed.headers.get('etag')!;
    expect(current).not.toBe(etag);

    const stale = await approve(id, { 'if-match': etag });
    expect(stale).toMatchObject({ status: 412, body: { code: 'precondition_failed' } });
    const malformed = await approve(id, { 'if-match': 'not-a-tag' });
    expect(malformed).toMatchObject({
      status: 400,
      body: { code: 'validation_failed', errors: [{ field: 'If-Match' }] },
    });
    expect(await occurrenceRow(id)).toMatchObject({ status: 'held', approvedAt: null });
    expect(await approvals(id)).toEqual([]);
    expect(await h.database.db.quotaExecute.count({ where: { strategyId: id } })).toBe(0);

    const approved = await approve(id, { 'if-match': current });
    expect(approved).toMatchObject({ status: 200, body: { granted: 3, held: null } });
    expect(await approvals(id)).toHaveLength(1);
  });
});
