// The sentence an explanation leads with: each node kind in words, the node that decided an
// and/or/not (nested too), and the verdicts that are not about the condition.
import { describe, expect, it } from 'vitest';
import {
  decisiveNodes,
  explain,
  parse,
  type ConditionUser,
  type ExplainNode,
} from '../../src/condition/index.ts';
import { decisiveInWords } from '../../src/core/condition-in-words.ts';
import { explanationSummary, summarizedNodes } from '../../src/core/explanation-summary.ts';
import type { Explanation } from '../../src/core/model/explanation.ts';
import type { LedgerEntry } from '../../src/core/model/ledger-entry.ts';

function user(overrides: Partial<ConditionUser> = {}): ConditionUser {
  return {
    id: 'u1',
    vip: 1,
    org: 'acme',
    registerTime: new Date('2025-03-02T04:00:00Z'),
    accessTime: null,
    githubStars: ['a/b'],
    ...overrides,
  };
}

async function tree(
  source: string,
  u: ConditionUser = user(),
  quota: number | null = 12,
): Promise<ExplainNode> {
  const parsed = parse(source);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return explain(parsed.ast, u, { timeZone: 'Asia/Shanghai', quota: async () => quota });
}

describe('the decisive node in words, per node kind', () => {
  it.each([
    [
      'register-before("2025-01-01")',
      user(),
      'the user registered on 2025-03-02, after 2025-01-01 (register-before)',
    ],
    [
      'register-after("2025-03-02 13:00:00")',
      user(),
      'the user registered on 2025-03-02 12:00, before 2025-03-02 13:00:00 (register-after)',
    ],
    [
      // 2025-03-02T04:00Z is noon in Shanghai: the same date as the literal, so the minute shows.
      'register-before("2025-03-02")',
      user(),
      'the user registered on 2025-03-02 12:00, after 2025-03-02 (register-before)',
    ],
    ['access-after("2025-01-01")', user(), 'the user has no last access time (access-after)'],
    [
      'access-before("2025-01-01T00:00:00Z")',
      user({ accessTime: new Date('2025-01-01T00:00:00Z') }),
      'the user last accessed on 2025-01-01 08:00, exactly at 2025-01-01T00:00:00Z (access-before)',
    ],
    ['is-vip(2)', user(), 'the user is VIP level 1, below 2 (is-vip)'],
    ['belong-to("x", "y")', user(), 'the user belongs to "acme", not any of "x", "y" (belong-to)'],
    ['belong-to("x")', user({ org: null }), 'the user has no organisation (belong-to)'],
    ['github-star("c/d")', user(), 'the user has not starred "c/d" (github-star)'],
    ['match-user("u2", "u3")', user(), 'the user id "u1" is not among "u2", "u3" (match-user)'],
    ['quota-le("m", 10)', user(), 'the user’s gateway quota is 12, above 10 (quota-le)'],
    ['false()', user(), 'false() is always false (false)'],
  ])('%s', async (source, u, words) => {
    expect(decisiveInWords(await tree(source, u))).toBe(words);
  });

  it('quota-ge with no quota read: unknown, and says so', async () => {
    expect(decisiveInWords(await tree('quota-ge("m", 1)', user(), null))).toBe(
      'the user’s gateway quota could not be read (quota-ge)',
    );
  });

  it('a non-ASCII value is quoted as it is', async () => {
    expect(decisiveInWords(await tree('belong-to("研发部")', user({ org: '市场部' })))).toBe(
      'the user belongs to "市场部", not "研发部" (belong-to)',
    );
  });
});

describe('which node decided', () => {
  it('a false `and`: its first false operand, not the true ones', async () => {
    const root = await tree('is-vip(1) and belong-to("x") and is-vip(5)');
    expect(decisiveNodes(root).map((d) => d.path)).toEqual([[1]]);
    expect(decisiveInWords(root)).toBe('the user belongs to "acme", not "x" (belong-to)');
  });

  it('an unknown `and`: the unknown operand (a false one would have decided)', async () => {
    const root = await tree('is-vip(1) and access-after("2025-01-01")');
    expect(root.value).toBe('UNKNOWN');
    expect(decisiveNodes(root).map((d) => d.path)).toEqual([[1]]);
  });

  it('a false `or`: every operand, since each had to fail', async () => {
    const root = await tree('is-vip(3) or github-star("x/y")');
    expect(decisiveInWords(root)).toBe(
      'the user is VIP level 1, below 3 (is-vip); the user has not starred "x/y" (github-star)',
    );
  });

  it('`not`: the operand that held, labelled as negated', async () => {
    const root = await tree('not(belong-to("acme"))');
    expect(decisiveNodes(root)).toMatchObject([{ path: [0], negated: true }]);
    expect(decisiveInWords(root)).toBe('the user belongs to "acme" (not belong-to)');
  });

  it('nested: not(or(…)) false because one alternative held', async () => {
    const root = await tree(
      'is-vip(1) and not(github-star("q/r") or register-before("2026-01-01"))',
    );
    expect(decisiveNodes(root)).toMatchObject([{ path: [1, 0, 1], negated: true }]);
    expect(decisiveInWords(root)).toBe(
      'the user registered on 2025-03-02, before 2026-01-01 (not register-before)',
    );
  });

  it('nested: not(not(x)) is x again', async () => {
    const root = await tree('not(not(is-vip(4)))');
    expect(decisiveNodes(root)).toMatchObject([{ path: [0, 0], negated: false }]);
    expect(decisiveInWords(root)).toBe('the user is VIP level 1, below 4 (is-vip)');
  });

  it('nested: or(and(…), and(…)) names the failing operand of each and', async () => {
    const root = await tree('(is-vip(1) and belong-to("x")) or (github-star("a/b") and is-vip(9))');
    expect(decisiveNodes(root).map((d) => d.path)).toEqual([
      [0, 1],
      [1, 1],
    ]);
  });
});

const STATE = { enabled: true, outsideWindow: false, occurrenceDone: false, nextOccurrence: null };
const STRATEGY = { maxExecPerUser: 3, timezone: 'Asia/Shanghai' };

function facts(
  overrides: Partial<Explanation> = {},
): Omit<Explanation, 'summary' | 'decisivePaths'> {
  return {
    verdict: 'would_grant',
    occurrence: '2026-06-10T00:00:00.000Z',
    reasons: [],
    condition: null,
    ledger: null,
    decision: null,
    amount: null,
    lotExpiresAt: null,
    state: STATE,
    ...overrides,
  };
}

const row = { id: 7, amount: 5, lastError: 'gateway 503' } as LedgerEntry;

describe('the summary of each verdict', () => {
  it('condition_false leads with the decisive node', async () => {
    const condition = await tree('is-vip(1) and register-before("2025-01-01")');
    const e = facts({ verdict: 'condition_false', decision: 'condition_false', condition });
    expect(explanationSummary(e, STRATEGY)).toBe(
      'Not granted: the user registered on 2025-03-02, after 2025-01-01 (register-before).',
    );
    expect(summarizedNodes(e)).toEqual([[1]]);
  });

  it('condition_unknown says it cannot be decided, and why', async () => {
    const condition = await tree(
      'belong-to("x") or access-after("2025-01-01")',
      user({ org: null }),
    );
    const e = facts({ verdict: 'condition_unknown', decision: 'condition_unknown', condition });
    expect(explanationSummary(e, STRATEGY)).toBe(
      'Not granted: the condition cannot be decided: the user has no organisation (belong-to); the user has no last access time (access-after).',
    );
  });

  it('disabled: what it would send once enabled', () => {
    const e = facts({ verdict: 'disabled', decision: 'would_grant', amount: 5 });
    expect(explanationSummary(e, STRATEGY)).toBe(
      'Not granted: the strategy is disabled; enabled, it would send the user 5.',
    );
  });

  it('disabled and the condition false: both, the node named', async () => {
    const condition = await tree('is-vip(2)');
    const e = facts({ verdict: 'disabled', decision: 'condition_false', condition });
    expect(explanationSummary(e, STRATEGY)).toBe(
      'Not granted: the strategy is disabled; enabled, it would still not grant: the user is VIP level 1, below 2 (is-vip).',
    );
    expect(summarizedNodes(e)).toEqual([[]]);
  });

  it.each<[Partial<Explanation>, string]>([
    [{ verdict: 'no_such_user' }, 'Not granted: no user has this id.'],
    [
      { verdict: 'capped', decision: 'capped' },
      'Not granted: the user already has max_exec_per_user (3) grants of this strategy.',
    ],
    [
      { verdict: 'held_by_budget', decision: 'held_by_budget', amount: 5 },
      'Held: the occurrence of 2026-06-10 08:00 Asia/Shanghai is held by a budget cap until someone approves it; then the user gets 5.',
    ],
    [
      { verdict: 'would_grant', decision: 'would_grant', amount: 5, occurrence: 'once' },
      'Would be granted: the user gets 5 at the next run.',
    ],
    [
      { verdict: 'outside_window' },
      'Not granted: the occurrence of 2026-06-10 08:00 Asia/Shanghai is outside the strategy’s start_at/end_at window.',
    ],
    [
      {
        verdict: 'not_due_yet',
        occurrence: null,
        state: { ...STATE, nextOccurrence: '2026-07-01T01:00:00.000Z' },
      },
      'Not granted yet: the first fire time is 2026-07-01 09:00 Asia/Shanghai.',
    ],
    [
      { verdict: 'occurrence_done', occurrence: 'once' },
      'Not granted: the grant is done; scans never revisit it.',
    ],
    [{ verdict: 'granted', ledger: row }, 'Granted: 5 (ledger row #7, applied).'],
    [
      { verdict: 'failed', ledger: row },
      'Not granted yet: the grant failed (gateway 503); later scans retry it while attempts remain (ledger row #7).',
    ],
  ])('%j', (overrides, sentence) => {
    const e = facts(overrides);
    expect(explanationSummary(e, STRATEGY)).toBe(sentence);
    expect(summarizedNodes(e)).toEqual([]);
  });
});
