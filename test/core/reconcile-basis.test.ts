// What reconciliation subtracts for the daemon's own other grants to a user (the silent loss the
// nemesis found: a lost grant read as applied because another grant of the same amount landed
// during its settle wait), and when it refuses to guess.
import { describe, expect, it } from 'vitest';
import {
  NO_OTHER_GRANTS,
  otherGrantsSince,
  reconcileBasis,
  type UserLedgerState,
} from '../../src/core/scan/reconcile-basis.ts';

const state = (over: Partial<UserLedgerState>): UserLedgerState => ({
  ...NO_OTHER_GRANTS,
  ...over,
});

describe('reconcile basis', () => {
  it('is kept when the other grants stood still around the read and none was in doubt', () => {
    const basis = reconcileBasis(
      state({ applied: 2, appliedCents: 300 }),
      state({ applied: 2, appliedCents: 300 }),
    );
    expect(basis).not.toBeNull();
    expect(otherGrantsSince(basis, state({ applied: 3, appliedCents: 400 }))).toBe(100);
    expect(otherGrantsSince(basis, state({ applied: 2, appliedCents: 300 }))).toBe(0);
    expect(reconcileBasis(undefined, undefined)).not.toBeNull();
    expect(otherGrantsSince(reconcileBasis(), undefined)).toBe(0);
  });

  it('is refused when another grant moved or was in doubt around the read', () => {
    expect(
      reconcileBasis(
        state({ applied: 1, appliedCents: 100 }),
        state({ applied: 2, appliedCents: 200 }),
      ),
    ).toBeNull();
    expect(reconcileBasis(state({ inDoubt: 1 }), state({ inDoubt: 1 }))).toBeNull();
    expect(otherGrantsSince(null, NO_OTHER_GRANTS)).toBeNull();
    expect(otherGrantsSince('not json', NO_OTHER_GRANTS)).toBeNull();
    expect(
      otherGrantsSince('{"applied":1.5,"appliedCents":1,"resets":0,"inDoubt":0}', NO_OTHER_GRANTS),
    ).toBeNull();
  });

  it('cannot tell when a grant is in doubt now, an applied one vanished, or a reset landed', () => {
    const basis = reconcileBasis(
      state({ applied: 1, appliedCents: 100 }),
      state({ applied: 1, appliedCents: 100 }),
    );
    expect(
      otherGrantsSince(basis, state({ applied: 1, appliedCents: 100, inDoubt: 1 })),
    ).toBeNull();
    expect(otherGrantsSince(basis, state({ applied: 0, appliedCents: 0 }))).toBeNull();
    expect(otherGrantsSince(basis, state({ applied: 1, appliedCents: 100, resets: 1 }))).toBeNull();
  });
});
