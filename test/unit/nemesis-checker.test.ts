// The nemesis's checker and plan, without processes: the checker must catch each kind of fault
// on small hand-made histories, and the plan must be a pure function of its seed.
import { describe, expect, it } from 'vitest';
import type { DeltaLogEntry } from '../support/delta-log.ts';
import { check, decodeKey, failures, silentLosses, type LedgerRecord } from '../nemesis/checker.ts';
import { planHistory } from '../nemesis/schedule.ts';

let seq = 0;
const delta = (
  key: string | null,
  value = '1.00',
  replay = false,
  remainingAfter = value,
): DeltaLogEntry => ({
  seq: ++seq,
  user_id: key?.split(':').at(-1) ?? 'x',
  value,
  idempotency_key: key,
  kind: 'delta',
  received_at: '2030-01-01T00:00:00.000Z',
  applied_at: '2030-01-01T00:00:00.010Z',
  replay,
  remaining_after: remainingAfter,
});
const row = (user: string, status = 'applied', strategyId = 1): LedgerRecord => ({
  strategyId,
  occurrence: 'once',
  userId: user,
  status,
  mode: 'add',
  idempotencyKey: `qm:${strategyId}:once:${user}`,
  amountCents: 100,
});
const run = (
  deltas: DeltaLogEntry[],
  ledger: LedgerRecord[],
  extra: {
    caps?: Map<number, number>;
    required?: string[];
    topUp?: { users: string[]; highestTarget: number };
  } = {},
) =>
  check({
    deltas,
    ledger,
    caps: extra.caps ?? new Map(),
    required: extra.required ?? [],
    topUp: extra.topUp,
  });

describe('nemesis checker', () => {
  it('passes a history where every applied row has exactly one delta', () => {
    const report = run([delta('qm:1:once:a'), delta('qm:1:once:b')], [row('a'), row('b')]);
    expect(failures(report, { caps: true })).toEqual([]);
    expect(silentLosses(report)).toBe(0);
  });

  it('finds a double grant; replays and refreshes are not grants', () => {
    const report = run(
      [
        delta('qm:1:once:a'),
        delta('qm:1:once:a'),
        delta('qm:1:once:b'),
        delta('qm:1:once:b', '1.00', true),
      ],
      [row('a'), row('b')],
    );
    expect(report.doubleGrants).toHaveLength(1);
    expect(report.doubleGrants[0]).toMatch(/^qm:1:once:a: 2 deltas/);
  });

  describe('top-ups', () => {
    const topUpRow = (user: string, sentCents: number): LedgerRecord => ({
      ...row(user, 'applied', 4),
      mode: 'top_up',
      amountCents: sentCents,
    });
    const topUp = { users: ['t'], highestTarget: 2.5 };

    it('a retry that re-read the balance may send again under one key, up to the target', () => {
      // 1.50 landed (answer lost), the user spent 0.40, the retry re-read 2.10 and sent 0.40.
      const report = run(
        [delta('qm:4:once:t', '1.50', false, '2.50'), delta('qm:4:once:t', '0.40', false, '2.50')],
        [topUpRow('t', 40)],
        { topUp },
      );
      expect(failures(report, { caps: true })).toEqual([]);
    });

    it('a top-up that found the user at the target is applied without a delta', () => {
      const report = run([], [topUpRow('t', 0)], { topUp });
      expect(failures(report, { caps: true })).toEqual([]);
    });

    it('finds a delta that left a top-up-only user above the highest target', () => {
      // Two occurrences each read 1.00 and sent 1.50: the second landed on 2.50.
      const report = run(
        [delta('qm:4:a:t', '1.50', false, '2.50'), delta('qm:4:b:t', '1.50', false, '4.00')],
        [
          { ...topUpRow('t', 150), occurrence: 'a', idempotencyKey: 'qm:4:a:t' },
          { ...topUpRow('t', 150), occurrence: 'b', idempotencyKey: 'qm:4:b:t' },
        ],
        { topUp },
      );
      expect(report.topUpOvershoots).toEqual([
        'qm:4:b:t: #' + String(seq) + ' 1.50 left t at 4.00, target at most 2.5',
      ]);
      expect(failures(report, { caps: true })).toHaveLength(1);
    });

    it('a top-up applied with something to send and no delta is a silent loss', () => {
      const report = run([], [topUpRow('t', 120)], { topUp });
      expect(silentLosses(report)).toBe(1);
    });
  });

  it('finds applied rows without a delta and grants due without a row: silent losses', () => {
    const report = run([], [row('a')], { required: ['qm:1:once:a', 'qm:1:once:z'] });
    expect(report.appliedWithoutDelta).toEqual(['qm:1:once:a']);
    expect(report.missingGrants).toEqual(['qm:1:once:z']);
    expect(silentLosses(report)).toBe(2);
  });

  it('finds deltas with no row and deltas on rows that will be sent again', () => {
    const report = run([delta('qm:1:once:a'), delta('qm:9:once:q')], [row('a', 'failed')]);
    expect(report.orphanDeltas).toHaveLength(1);
    expect(report.deltasOnOpenRows).toHaveLength(1);
    expect(failures(report, { caps: false })).toHaveLength(2);
  });

  it('counts unknown rows apart, with and without a delta, and does not fail on them', () => {
    const report = run([delta('qm:1:once:a')], [row('a', 'unknown'), row('b', 'unknown')]);
    expect([report.unknownWithDelta, report.unknownWithoutDelta]).toEqual([1, 1]);
    expect(failures(report, { caps: true })).toEqual([]);
  });

  it('judges caps only when asked', () => {
    const report = run(
      [delta('qm:2:once:a'), delta('qm:2:once:b')],
      [row('a', 'applied', 2), row('b', 'applied', 2)],
      { caps: new Map([[2, 1]]) },
    );
    expect(report.capOverruns).toEqual(['2:once: 2 users granted, cap 1']);
    expect(failures(report, { caps: false })).toEqual([]);
    expect(failures(report, { caps: true })).toHaveLength(1);
  });

  it('reads percent-encoded keys as the ledger wrote them, and checks the value sent', () => {
    expect(decodeKey('qm:7:once:%E5%BC%A0%E4%B8%89')).toBe('qm:7:once:张三');
    expect(decodeKey('qm:7:once:a%20100%25')).toBe('qm:7:once:a 100%');
    const report = run([delta('qm:1:once:%E5%BC%A0', '2.00')], [row('张')]);
    expect(report.orphanDeltas).toEqual([]);
    expect(report.wrongValue).toHaveLength(1);
  });

  it('flags rows still pending or sending: the cluster never went quiet', () => {
    const report = run([], [row('a', 'pending'), row('b', 'sending')]);
    expect(failures(report, { caps: true })).toEqual([
      '2 rows still pending/sending: the cluster never went quiet',
    ]);
  });
});

describe('nemesis plan', () => {
  it('is a pure function of the seed and the database', () => {
    expect(planHistory(42, 'postgresql', 20_000)).toEqual(planHistory(42, 'postgresql', 20_000));
    expect(planHistory(42, 'postgresql', 20_000)).not.toEqual(
      planHistory(43, 'postgresql', 20_000),
    );
  });

  it('keeps SQLite to one daemon and no server restart, and steps inside the history', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const plan = planHistory(seed, 'sqlite', 15_000);
      expect(plan.replicas).toBe(1);
      expect(plan.skew).toBeNull();
      expect(plan.steps.some((s) => s.kind === 'db_restart')).toBe(false);
      expect(plan.steps.every((s) => s.atMs >= 500 && s.atMs <= 14_000)).toBe(true);
      const replicated = planHistory(seed, 'mysql', 15_000);
      expect([2, 3]).toContain(replicated.replicas);
      for (const s of replicated.steps)
        if ('replica' in s) expect(s.replica).toBeLessThan(replicated.replicas);
    }
  });
});
