// The audit page shows each change field by field, before → after, under the API's own
// snake_case names (issue 24; it showed the stored JSON with the core's camelCase keys).
import { describe, expect, it } from 'vitest';
import { wireFieldName } from '../../src/core/model/audit-wire-names.ts';
import { AuditChanges, changeRows, FOLD_AFTER } from '../../src/console/pages/audit-changes.tsx';

const html = (node: unknown) => String(node);

describe('changeRows', () => {
  it('an update: one row per field, before and after, in snake_case', () => {
    expect(
      changeRows({
        periodic_expr: { before: '0 9 * * *', after: '0 10 * * *' },
        max_users_per_occurrence: { before: 50, after: null },
      }),
    ).toEqual([
      { field: 'periodic_expr', before: '0 9 * * *', after: '0 10 * * *', hasBefore: true },
      { field: 'max_users_per_occurrence', before: 50, after: null, hasBefore: true },
    ]);
  });

  it('a creation: one row per field it set, with its value', () => {
    expect(changeRows({ after: { name: 'daily', max_exec_per_user: 0, end_at: null } })).toEqual([
      { field: 'name', after: 'daily', hasBefore: false },
      { field: 'max_exec_per_user', after: 0, hasBefore: false },
    ]);
  });

  it('counts and a status set for the first time', () => {
    expect(changeRows({ strategy_id: 7, status: { after: 'applied' }, users: 3 })).toEqual([
      { field: 'strategy_id', after: 7, hasBefore: false },
      { field: 'status', after: 'applied', hasBefore: false },
      { field: 'users', after: 3, hasBefore: false },
    ]);
  });

  it.each([
    ['githubUsername', 'github_username'],
    ['registerTime', 'register_time'],
    ['enabled', 'enabled'],
    ['strategy_id', 'strategy_id'],
  ])('the API names %s as %s (core/model/audit-wire-names.ts)', (key, wire) => {
    expect(wireFieldName(key)).toBe(wire);
  });
});

describe('AuditChanges', () => {
  it('renders before → after, escaping what a user typed', () => {
    expect(html(AuditChanges({ changes: { title: { before: 'A', after: '<b>B</b>' } } }))).toBe(
      '<ul class="changes"><li><span class="field" translate="no">title</span>: <code class="before">A</code> → <code class="after">&lt;b&gt;B&lt;/b&gt;</code></li></ul>',
    );
  });

  it('renders nothing for no change, and JSON for values that are not text', () => {
    expect(AuditChanges({ changes: null })).toBeNull();
    expect(AuditChanges({ changes: {} })).toBeNull();
    expect(html(AuditChanges({ changes: { github_stars: { after: ['a/b'] } } }))).toContain(
      '<span class="field" translate="no">github_stars</span>: <code class="after">[&quot;a/b&quot;]</code>',
    );
  });

  it('folds a long change (a creation) under a summary that names how many fields', () => {
    const after = Object.fromEntries(
      Array.from({ length: FOLD_AFTER + 1 }, (_, i) => [`field${i}`, i]),
    );
    const out = html(AuditChanges({ changes: { after } }));
    expect(out).toMatch(
      new RegExp(`^<details><summary>${FOLD_AFTER + 1} fields</summary><ul class="changes">`),
    );
    expect(out).toContain(`<span class="field" translate="no">field${FOLD_AFTER}</span>`);
    expect(html(AuditChanges({ changes: { a: 1, b: 2, c: 3, d: 4 } }))).toMatch(/^<ul/);
  });
});
