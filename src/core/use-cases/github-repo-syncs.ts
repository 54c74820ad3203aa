// The GitHub repositories the star poller has synced, each with its last sync's outcome (table
// github_repo_sync): what GET /api/v1/sources/github and the console's sources page show.
import type { GithubStarStore, RepoSyncStatus } from '../ports/github.ts';

export function listGithubRepoSyncs(deps: {
  githubRepos: Pick<GithubStarStore, 'syncStatuses'>;
}): Promise<RepoSyncStatus[]> {
  return deps.githubRepos.syncStatuses();
}
