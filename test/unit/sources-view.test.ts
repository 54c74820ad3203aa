// The console's sources view as a function of the API's answers (no browser): an abandoned run
// says so, a running one too; refused reasons are listed with their ids; buttons only for an
// admin; a server without the GitHub route says so instead of showing nothing.
import { renderToString } from 'hono/jsx/dom/server';
import { describe, expect, it } from 'vitest';
import type { ApiAnswer } from '../../src/console/api-client.ts';
import { sealNotice, withNoticeSeal } from '../../src/console/pages/notices.tsx';
import { SourcesView } from '../../src/console/pages/sources-view.tsx';
import type { Session } from '../../src/console/sessions.ts';
import type {
  GithubRepoSyncJson,
  GithubRepoSyncPageJson,
  SourceJson,
} from '../../src/console/api-types.ts';
import type { TimeFrame } from '../../src/console/pages/instant.tsx';
import { inLanguage } from '../../src/console/i18n/current.ts';

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

const NOW = new Date('2026-06-01T09:00:00Z');
const frame: TimeFrame = { zone: 'Asia/Shanghai', zoneOf: 'daemon', now: NOW };

const repo: GithubRepoSyncJson = {
  repo: 'acme/widgets',
  renamed_to: null,
  started_at: '2026-06-01T07:00:00.000Z',
  finished_at: '2026-06-01T07:01:00.000Z',
  stargazers: 3,
  matched: 2,
  requests: 1,
  not_modified: 0,
  last_error: null,
};

function render(
  role: 'admin' | 'viewer',
  item: SourceJson,
  reposStatus = 200,
  query: Record<string, string> = {},
) {
  const repos = answer<GithubRepoSyncPageJson>(
    reposStatus === 404
      ? ({ detail: 'no route for GET /api/v1/sources/github' } as never)
      : { items: [repo], total: 1 },
    reposStatus,
  );
  return renderToString(
    SourcesView({
      session: session(role),
      sources: answer({ items: [item], total: 1 }),
      repos,
      frame,
      query,
    }),
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

  it('shows every time in the daemon’s zone, to the minute, with how long ago', () => {
    const html = render(
      'viewer',
      // The cursor is the source column's own value, shown exactly as it is: not a time here.
      source({ last_success_at: '2026-06-01T08:30:00.000Z', last_full_at: null, cursor: null }),
    );
    // The last run started at 08:00Z: 16:00 in Shanghai, an hour before NOW.
    expect(html).toContain(
      '>2026-06-01 16:00 Asia/Shanghai</time> <span class="relative">(1 hour ago)',
    );
    expect(html).toContain(
      '>2026-06-01 16:30 Asia/Shanghai</time> <span class="relative">(30 minutes ago)',
    );
    expect(html).toContain('>2026-06-01 15:00 Asia/Shanghai</time>');
    expect(html).toContain('>2026-06-01 15:01 Asia/Shanghai</time>');
    expect(html).toContain('title="in the daemon&#39;s time zone"');
    // No raw ISO instant left outside a datetime attribute.
    expect(html.replace(/datetime="[^"]*"/g, '')).not.toMatch(/\d{2}:\d{2}:\d{2}/);
  });

  it('shows the times in Chinese in the Chinese style', () => {
    const html = inLanguage({ lang: 'zh-CN', here: '/ui/sources' }, () =>
      render('viewer', source({})),
    );
    expect(html).toContain(
      '>2026年6月1日 16:00 Asia/Shanghai</time> <span class="relative">（1小时前）',
    );
  });

  it('says a sync started in the language of the page, not of the redirect', () => {
    // As the console's redirect made it for the session reading it (notices.tsx seals it).
    const inSession = <T>(run: () => T) => withNoticeSeal('session-csrf-secret', run);
    const query = inSession(() => sealNotice({ done: 'sync-started', 'done.full': 'yes' }, 'done'));
    expect(inSession(() => render('admin', source({}), 200, query))).toContain('Full sync started');
    const zh = inLanguage({ lang: 'zh-CN', here: '/ui/sources' }, () =>
      inSession(() => render('admin', source({}), 200, query)),
    );
    expect(zh).not.toContain('Full sync started');
    expect(zh).toMatch(/<p class="notice ok" role="status">[^<]*全量/);
  });

  it('shows no notice for text forged into the query', () => {
    const html = render('admin', source({}), 200, { done: 'Your account is locked: call +1 555' });
    expect(html).not.toContain('locked');
    expect(html).not.toContain('notice ok');
  });
});
