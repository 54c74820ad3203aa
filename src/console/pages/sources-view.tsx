// The sources page's view, a function of the API's answers: the user source (status, cursor,
// lag, the last run's counts and refused rows by reason) with its sync buttons for admins, and
// the GitHub repositories' last star syncs.
import { problemText, type ApiAnswer } from '../api-client.ts';
import type { GithubRepoSyncJson, PageJson, SourceJson } from '../../contract/wire-types.ts';
import type { Session } from '../sessions.ts';
import { ActionForm, base, ErrorBox, Flash, fmtTime, Layout, Unavailable } from './layout.tsx';

export const SYNC_QUESTIONS = {
  incremental: 'Sync users from the source now? Rows past the cursor are read and upserted.',
  full: 'Run a full user sync now? Every row is read, and users the source no longer has are looked for (deleted if USER_SOURCE_ON_DELETE=delete).',
} as const;

export interface SourcesViewProps {
  session: Session;
  sources: ApiAnswer<PageJson<SourceJson>>;
  repos: ApiAnswer<PageJson<GithubRepoSyncJson>>;
  done?: string;
  error?: string;
}

export function SourcesView(props: SourcesViewProps) {
  const { sources, repos } = props;
  return (
    <Layout title="Sources" session={props.session} active="sources">
      <Flash message={props.done} />
      <ErrorBox message={props.error} />
      <h2>User source</h2>
      {sources.missing && <Unavailable what="The user source" route="GET /api/v1/sources" />}
      {!sources.ok && !sources.missing && <ErrorBox message={problemText(sources)} />}
      {sources.ok && sources.body.items.length === 0 && (
        <p data-testid="no-source">
          No user source is configured (<code>USER_SOURCE_URL</code>): users come from the API and
          imports only.
        </p>
      )}
      {sources.ok &&
        sources.body.items.map((source) => <UserSource session={props.session} source={source} />)}
      <h2>GitHub repositories</h2>
      {repos.missing && (
        <Unavailable what="The GitHub sync state" route="GET /api/v1/sources/github" />
      )}
      {!repos.ok && !repos.missing && <ErrorBox message={problemText(repos)} />}
      {repos.ok && <GithubRepos repos={repos.body.items} />}
    </Layout>
  );
}

function statusOf(source: SourceJson): string {
  if (source.running) return 'Running';
  if (source.abandoned) return 'Abandoned: its process stopped mid-run (the next run starts over)';
  if (source.last_run === null) return 'Never run';
  return source.last_run.error === null ? 'Idle' : 'Idle (the last run failed)';
}

function lagText(seconds: number | null): string {
  if (seconds === null) return 'no successful run yet';
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function UserSource(props: { session: Session; source: SourceJson }) {
  const s = props.source;
  const run = s.last_run;
  const facts: [string, string][] = [
    ['Status', statusOf(s)],
    ['Kind', s.kind],
    ['Cursor column', s.cursor_column ?? '— (every run reads all rows)'],
    ['Cursor', s.cursor === null ? '—' : `${s.cursor.value} (${s.cursor.kind})`],
    ['Lag', lagText(s.lag_seconds)],
    ['Last success', fmtTime(s.last_success_at)],
    ['Last full run', fmtTime(s.last_full_at)],
  ];
  return (
    <section class="card" data-testid="user-source">
      {props.session.role === 'admin' && (
        <div class="actions" data-testid="source-actions">
          <ActionForm
            session={props.session}
            action={`${base()}/sources/users/sync`}
            label="Sync now"
            question={SYNC_QUESTIONS.incremental}
          />
          <ActionForm
            session={props.session}
            action={`${base()}/sources/users/sync`}
            label="Full sync"
            question={SYNC_QUESTIONS.full}
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
      {run === null ? <p>No run yet.</p> : <LastRun run={run} />}
    </section>
  );
}

function LastRun(props: { run: NonNullable<SourceJson['last_run']> }) {
  const r = props.run;
  const facts: [string, string][] = [
    ['Kind', `${r.full ? 'full' : 'incremental'}${r.dry_run ? ', dry run' : ''}`],
    ['Started', fmtTime(r.started_at)],
    ['Finished', r.finished_at === null ? 'not finished' : fmtTime(r.finished_at)],
    ['Rows read', String(r.rows_read)],
    ['Upserted', String(r.upserted)],
    ['Deleted', String(r.deleted)],
    ['Vanished', r.vanished === 0 ? '0' : `${r.vanished} (first: ${r.vanished_ids.join(', ')})`],
    ['Deletes refused', r.deletes_refused ?? '—'],
  ];
  const reasons = Object.keys(r.rejected).sort();
  return (
    <>
      <h3>Last run</h3>
      <ErrorBox message={r.error === null ? undefined : `The run stopped: ${r.error}`} />
      <dl class="fields" data-testid="last-run">
        {facts.map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </>
        ))}
      </dl>
      <h3>Rejected rows</h3>
      {reasons.length === 0 ? (
        <p>None.</p>
      ) : (
        <div class="scroll">
          <table data-testid="rejected">
            <thead>
              <tr>
                <th scope="col">Reason</th>
                <th scope="col">Rows</th>
                <th scope="col">First ids</th>
                <th scope="col">Example</th>
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

function GithubRepos(props: { repos: GithubRepoSyncJson[] }) {
  if (props.repos.length === 0)
    return <p data-testid="no-github-repos">No repository has been synced from GitHub.</p>;
  return (
    <div class="scroll">
      <table data-testid="github-repos">
        <thead>
          <tr>
            <th scope="col">Repository</th>
            <th scope="col">Last sync</th>
            <th scope="col">Stargazers</th>
            <th scope="col">Users matched</th>
            <th scope="col">Requests (304)</th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {props.repos.map((repo) => (
            <tr>
              <td>
                <code>{repo.repo}</code>
                {repo.renamed_to !== null && ` (now ${repo.renamed_to})`}
              </td>
              <td>
                {fmtTime(repo.started_at)} – {fmtTime(repo.finished_at)}
              </td>
              <td>{repo.stargazers}</td>
              <td>{repo.matched}</td>
              <td>
                {repo.requests} ({repo.not_modified})
              </td>
              <td>{repo.last_error === null ? 'ok' : `failed: ${repo.last_error}`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
