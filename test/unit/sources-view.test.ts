// The console's sources view as a function of the API's answers (no browser): an abandoned run
// says so, a running one too; refused reasons are listed with their ids; buttons only for an
// admin; a server without the GitHub route says so instead of showing nothing.
import { renderToString } from 'hono/jsx/dom/server';
import { describe, expect, it } from 'vitest';
import type { ApiAnswer } from '../../src/console/api-client.ts';
import { SourcesView } from '../../src/console/pages/sources-view.tsx';
import type { Session } from '../../src/console/sessions.ts';
import type { GithubRepoSyncPageJson, SourceJson } from '../../src/console/api-types.ts';

const session = (role: 'admin' | 'viewer'): Session => ({
  id: 's',
  token: 't',
  name: role,
  role,
  csrf: 'c',
  expiresAt: Date.now() + 60_000,
});

const answer = <T>(body: T, status = 200): ApiAnswer<T> => ({
  status,
  ok: status < 300,
  body,
  missing: status === 404,
});

const source = (patch: Partial<SourceJson>): SourceJson => ({
  name: 'users',
  kind: 'postgresql',
  cursor_column: 'updated_at',
  cursor: { kind: 'instant', value: '2026-06-01T00:00:00.000Z' },
  running: false,
  abandoned: false,
  last_full_at: null,
  last_success_at: null,
  lag_seconds: null,
  last_run: {
    started_at: '2026-06-01T08:00:00.000Z',
    finished_at: null,
    full: true,
    dry_run: false,
    rows_read: 5000,
    upserted: 4990,
    deleted: 0,
    vanished: 0,
    vanished_ids: [],
    deletes_refused: null,
    rejected: { invalid_utf8: 2, invalid_vip: 8 },
    rejected_ids: { invalid_utf8: ['row 7', 'abc\uFFFD'], invalid_vip: ['u1'] },
    rejected_examples: { invalid_utf8: 'id is not valid UTF-8', invalid_vip: 'vip must be…' },
    error: null,
  },
  ...patch,
});

function render(role: 'admin' | 'viewer', item: SourceJson, reposStatus = 200) {
  const repos = answer<GithubRepoSyncPageJson>(
    reposStatus === 404
      ? ({ detail: 'no route for GET /api/v1/sources/github' } as never)
      : { items: [], total: 0 },
    reposStatus,
  );
  return renderToString(
    SourcesView({ session: session(role), sources: answer({ items: [item], total: 1 }), repos }),
  );
}

describe('SourcesView', () => {
  it('shows an abandoned run as abandoned, with its refused rows by reason', () => {
    const html = render('admin', source({ abandoned: true }));
    expect(html).toContain('Abandoned: its process stopped mid-run');
    expect(html).toContain('not finished');
    expect(html).toContain('invalid_utf8');
    expect(html).toContain('row 7, abc\uFFFD');
    expect(html).toContain('Sync now');
    expect(html).toContain('Full sync');
  });

  it('shows a running one as running, and a viewer no button', () => {
    const html = render('viewer', source({ running: true }));
    expect(html).toContain('Running');
    expect(html).not.toContain('Sync now');
    expect(html).not.toContain('method="post" action="/ui/sources');
  });

  it('says when the server has no GitHub sync route', () => {
    const html = render('viewer', source({}), 404);
    expect(html).toContain('GET /api/v1/sources/github');
    expect(html).toContain('not available on this server');
  });
});
