// An operator's decision on a held occurrence — an approval past the budget caps (with its
// occurrence.approved event), or a dismissal — commits with its audit row or not at all, on each
// database: a failure while writing the audit leaves the occurrence held, and an occurrence no
// longer held is approved or dismissed by nobody.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditDraft, type AuditDraft } from '../../src/core/model/audit.ts';
import type { ScanStore } from '../../src/core/ports/scan-store.ts';
import { createScanStore } from '../../src/db/scan-store.ts';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../support/databases.ts';
import { unique } from '../support/unique-name.ts';

describe.each(DATABASE_KINDS)('approving a held occurrence on %s', (kind) => {
  let database: TestDatabase;
  let store: ScanStore;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    store = createScanStore(database);
  });
  afterAll(async () => {
    await database.destroy();
  });

  const OCCURRENCE = '2026-06-01T08:00:00.000Z';
  const approval = { by: 'ops', at: new Date(), strategyVersion: 1, users: 3, amount: 15 };

  async function heldStrategy() {
    const { id } = await database.db.quotaStrategy.create({
      data: {
        name: unique('approve'),
        title: 't',
        type: 'periodic',
        periodicExpr: '0 8 * * *',
        amount: 5,
        timezone: 'UTC',
        condition: 'true()',
      },
    });
    await database.db.strategyOccurrence.create({
      data: { strategyId: id, occurrence: OCCURRENCE, status: 'held' },
    });
    return id;
  }

  const audit = (strategyId: number, extra: Record<string, unknown> = {}): AuditDraft =>
    auditDraft({ name: 'ops' }, new Date(), {
      action: 'occurrence.approve',
      targetType: 'strategy',
      targetId: String(strategyId),
      changes: { occurrence: OCCURRENCE, approved_users: 3, approved_amount: 15, ...extra },
    });

  const recorded = async (strategyId: number) => ({
    occurrence: await database.db.strategyOccurrence.findUnique({
      where: { strategyId_occurrence: { strategyId, occurrence: OCCURRENCE } },
      select: { status: true, approvedBy: true },
    }),
    audits: await database.db.auditEvent.count({
      where: { targetId: String(strategyId), action: 'occurrence.approve' },
    }),
    events: (await database.db.eventOutbox.findMany({ where: { type: 'occurrence.approved' } }))
      .map((e) => JSON.parse(e.body) as { data: { strategy_id: number } })
      .filter((e) => e.data.strategy_id === strategyId).length,
  });

  it('writes the approval, its audit row and its event together', async () => {
    const id = await heldStrategy();
    expect(await store.approveOccurrence(id, OCCURRENCE, approval, audit(id))).toBe(true);
    expect(await recorded(id)).toEqual({
      occurrence: { status: 'open', approvedBy: 'ops' },
      audits: 1,
      events: 1,
    });
  });

  it('writes nothing when the audit cannot be written: the occurrence stays held', async () => {
    const id = await heldStrategy();
    // A value JSON cannot write fails the audit row inside the transaction, after the approval.
    const failing = audit(id, { approved_amount: 10n as unknown as number });
    await expect(store.approveOccurrence(id, OCCURRENCE, approval, failing)).rejects.toThrow();
    expect(await recorded(id)).toEqual({
      occurrence: { status: 'held', approvedBy: null },
      audits: 0,
      events: 0,
    });
  });

  it('approves only a held occurrence: a second approval (or one after a dismiss) writes nothing', async () => {
    const id = await heldStrategy();
    expect(await store.approveOccurrence(id, OCCURRENCE, approval, audit(id))).toBe(true);
    expect(await store.approveOccurrence(id, OCCURRENCE, approval, audit(id))).toBe(false);
    const dismissed = await heldStrategy();
    await store.closeHolds(dismissed, 'dismissed', { occurrence: OCCURRENCE });
    expect(await store.approveOccurrence(dismissed, OCCURRENCE, approval, audit(dismissed))).toBe(
      false,
    );
    expect((await recorded(id)).audits).toBe(1);
    expect(await recorded(dismissed)).toEqual({
      occurrence: { status: 'dismissed', approvedBy: null },
      audits: 0,
      events: 0,
    });
  });

  const dismissal = (strategyId: number, changes: Record<string, unknown> = {}): AuditDraft =>
    auditDraft({ name: 'ops' }, new Date(), {
      action: 'occurrence.dismiss',
      targetType: 'strategy',
      targetId: String(strategyId),
      changes: { occurrence: OCCURRENCE, ...changes },
    });
  const dismissAudits = (strategyId: number) =>
    database.db.auditEvent.count({
      where: { targetId: String(strategyId), action: 'occurrence.dismiss' },
    });
  const status = async (strategyId: number) =>
    (
      await database.db.strategyOccurrence.findUnique({
        where: { strategyId_occurrence: { strategyId, occurrence: OCCURRENCE } },
      })
    )?.status;

  it('dismisses with its audit row, once; a failed audit write leaves the hold as it was', async () => {
    const id = await heldStrategy();
    const failing = dismissal(id, { strategy_version: 1n as unknown as number });
    await expect(store.dismissOccurrence(id, OCCURRENCE, failing)).rejects.toThrow();
    expect([await status(id), await dismissAudits(id)]).toEqual(['held', 0]);
    expect(await store.dismissOccurrence(id, OCCURRENCE, dismissal(id))).toBe(true);
    expect(await store.dismissOccurrence(id, OCCURRENCE, dismissal(id))).toBe(false);
    expect([await status(id), await dismissAudits(id)]).toEqual(['dismissed', 1]);
  });
});
