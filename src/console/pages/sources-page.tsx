// The sources page (GET /ui/sources) and its sync post: reads GET /api/v1/sources and
// GET /api/v1/sources/github, and starts a run with POST /api/v1/sources/users/sync (admins
// only: the view shows viewers no button, and the API refuses a viewer's post anyway).
import { problemText } from '../api-client.ts';
import { field, type ConsoleApp } from '../console-env.ts';
import { base, ConfirmPage } from './layout.tsx';
import { SourcesView } from './sources-view.tsx';
import { t } from '../i18n/current.ts';
import { daemonTimeFrame } from './time-frame.ts';
import { notice, withNotices } from './notices.tsx';

export function registerSourcesPage(app: ConsoleApp): void {
  app.get('/sources', async (c) => {
    const api = c.get('api');
    const [sources, repos, frame] = await Promise.all([
      api.get('/api/v1/sources'),
      api.get('/api/v1/sources/github'),
      daemonTimeFrame(api),
    ]);
    return c.html(
      <SourcesView
        session={c.get('session')}
        sources={sources}
        repos={repos}
        frame={frame}
        query={c.req.query()}
      />,
    );
  });

  app.post('/sources/users/sync', async (c) => {
    const full = field(c, 'full') === 'yes';
    const page = `${base()}/sources`;
    const m = t().sources;
    if (field(c, 'confirmed') !== 'yes')
      return c.html(
        <ConfirmPage
          session={c.get('session')}
          question={full ? m.syncQuestions.full : m.syncQuestions.incremental}
          action={`${page}/users/sync`}
          fields={full ? { full: 'yes' } : {}}
          back={page}
        />,
      );
    const answer = await c.get('api').post('/api/v1/sources/users/sync', full ? { full } : {});
    const outcome = answer.ok
      ? notice('sync-started', { full })
      : answer.missing
        ? notice('sync-unavailable')
        : notice('sync-refused', { why: problemText(answer) });
    return c.redirect(withNotices(page, outcome), 303);
  });
}
