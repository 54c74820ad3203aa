// The sources page's view, a function of the API's answers: the user source (status, cursor,
// lag, the last run's counts and refused rows by reason) with its sync buttons for admins, and
// the GitHub repositories' last star syncs.
import type { Child } from 'hono/jsx';
import { problemText, type ApiAnswer } from '../api-client.ts';
import type {
  GithubRepoSyncJson,
  GithubRepoSyncPageJson,
  SourceJson,
  SourcePageJson,
} from '../api-types.ts';
import type { Session } from '../sessions.ts';
import { ActionForm, base, ErrorBox, Layout, Unavailable } from './layout.tsx';
import { When, type TimeFrame } from './instant.tsx';
import { RedirectNotices, type RedirectQuery } from './notices.tsx';
import { t } from '../i18n/current.ts';

export interface SourcesViewProps {
  session: Session;
  sources: ApiAnswer<SourcePageJson>;
  repos: ApiAnswer<GithubRepoSyncPageJson>;
  /** The daemon's zone: a source is the daemon's, not any one strategy's. */
  frame: TimeFrame;
  /** The page's query: the notice of the sync that redirected here, if any. */
  query?: RedirectQuery;
}

export function SourcesView(props: SourcesViewProps) {
  const { sources, repos } = props;
  const m = t().sources;
  return (
    <Layout title={m.title} session={props.session} active="sources">
      <RedirectNotices query={props.query ?? {}} />
      <h2>{m.userSource}</h2>
      {sources.missing && <Unavailable what={m.unavailable} route="GET /api/v1/sources" />}
      {!sources.ok && !sources.missing && <ErrorBox message={problemText(sources)} />}
      {sources.ok && sources.body.items.length === 0 && (
        <p data-testid="no-source">{m.noSource(<code>USER_SOURCE_URL</code>)}</p>
      )}
      {sources.ok &&
        sources.body.items.map((source) => (
          <UserSource session={props.session} source={source} frame={props.frame} />
        ))}
      <h2>{m.githubTitle}</h2>
      {repos.missing && (
        <Unavailable what={m.githubUnavailable} route="GET /api/v1/sources/github" />
      )}
      {!repos.ok && !repos.missing && <ErrorBox message={problemText(repos)} />}
      {repos.ok && <GithubRepos repos={repos.body.items} frame={props.frame} />}
    </Layout>
  );
}

function statusOf(source: SourceJson): string {
  const m = t().sources;
  if (source.running) return m.running;
  if (source.abandoned) return m.abandoned;
  if (source.last_run === null) return m.neverRun;
  return source.last_run.error === null ? m.idle : m.idleFailed;
}

function lagText(seconds: number | null): string {
  const m = t().sources;
  if (seconds === null) return m.noSuccess;
  if (seconds < 120) return m.seconds(seconds);
  if (seconds < 7200) return m.minutes(Math.round(seconds / 60));
  return m.hours((seconds / 3600).toFixed(1));
}

function UserSource(props: { session: Session; source: SourceJson; frame: TimeFrame }) {
  const s = props.source;
  const run = s.last_run;
  const m = t().sources;
  const when = (at: string | null) => <When at={at} frame={props.frame} />;
  const facts: [string, Child][] = [
    [m.status, statusOf(s)],
    [m.kind, s.kind],
    [m.cursorColumn, s.cursor_column ?? m.everyRunReadsAll],
    [m.cursor, s.cursor === null ? '—' : `${s.cursor.value} (${s.cursor.kind})`],
    [m.lag, lagText(s.lag_seconds)],
    [m.lastSuccess, when(s.last_success_at)],
    [m.lastFull, when(s.last_full_at)],
  ];
  return (
    <section class="card" data-testid="user-source">
      {props.session.role === 'admin' && (
        <div class="actions" data-testid="source-actions">
          <ActionForm
            session={props.session}
            action={`${base()}/sources/users/sync`}
            label={m.syncNow}
            question={m.syncQuestions.incremental}
          />
          <ActionForm
            session={props.session}
            action={`${base()}/sources/users/sync`}
            label={m.fullSync}
            question={m.syncQuestions.full}
            hidden={{ full: 'yes' }}
          />
        </div>
      )}
      <dl class="fields" data-testid="source-status">
        {facts.map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
      </dl>
      {run === null ? <p>{m.noRun}</p> : <LastRun run={run} frame={props.frame} />}
    </section>
  );
}

function LastRun(props: { run: NonNullable<SourceJson['last_run']>; frame: TimeFrame }) {
  const r = props.run;
  const m = t().sources;
  const when = (at: string) => <When at={at} frame={props.frame} />;
  const facts: [string, Child][] = [
    [m.kind, `${r.full ? m.full : m.incremental}${r.dry_run ? m.dryRun : ''}`],
    [m.started, when(r.started_at)],
    [m.finished, r.finished_at === null ? m.notFinished : when(r.finished_at)],
    [m.rowsRead, String(r.rows_read)],
    [m.upserted, String(r.upserted)],
    [m.deleted, String(r.deleted)],
    [m.vanished, r.vanished === 0 ? '0' : m.vanishedFirst(r.vanished, r.vanished_ids.join(', '))],
    [m.deletesRefused, r.deletes_refused ?? '—'],
  ];
  const reasons = Object.keys(r.rejected).sort();
  return (
    <>
      <h3>{m.lastRun}</h3>
      {r.error !== null && <ErrorBox message={m.runStopped} detail={r.error} />}
      <dl class="fields" data-testid="last-run">
        {facts.map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
      </dl>
      <h3>{m.rejected}</h3>
      {reasons.length === 0 ? (
        <p>{m.noneRejected}</p>
      ) : (
        <div class="scroll">
          <table data-testid="rejected">
            <thead>
              <tr>
                <th scope="col">{m.reason}</th>
                <th scope="col">{m.rows}</th>
                <th scope="col">{m.firstIds}</th>
                <th scope="col">{m.example}</th>
              </tr>
            </thead>
            <tbody>
              {reasons.map((reason) => (
                <tr>
                  <td>
                    <code>{reason}</code>
                  </td>
                  <td>{r.rejected[reason]}</td>
                  <td>{(r.rejected_ids[reason] ?? []).join(', ')}</td>
                  <td>{r.rejected_examples[reason] ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function GithubRepos(props: { repos: GithubRepoSyncJson[]; frame: TimeFrame }) {
  const m = t().sources;
  if (props.repos.length === 0) return <p data-testid="no-github-repos">{m.noRepos}</p>;
  return (
    <div class="scroll">
      <table data-testid="github-repos">
        <thead>
          <tr>
            <th scope="col">{m.repository}</th>
            <th scope="col">{m.lastSync}</th>
            <th scope="col">{m.stargazers}</th>
            <th scope="col">{m.matched}</th>
            <th scope="col">{m.requests}</th>
            <th scope="col">{m.outcome}</th>
          </tr>
        </thead>
        <tbody>
          {props.repos.map((repo) => (
            <tr>
              <td>
                <code>{repo.repo}</code>
                {repo.renamed_to !== null && m.renamedTo(repo.renamed_to)}
              </td>
              <td>
                <When at={repo.started_at} frame={props.frame} /> –{' '}
                <When at={repo.finished_at} frame={props.frame} />
              </td>
              <td>{repo.stargazers}</td>
              <td>{repo.matched}</td>
              <td>
                {repo.requests} ({repo.not_modified})
              </td>
              <td>
                {repo.last_error === null ? (
                  m.ok
                ) : (
                  <>
                    {m.failed}
                    <span lang="en">{repo.last_error}</span>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
