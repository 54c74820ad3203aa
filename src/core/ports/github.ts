// What the GitHub star sync and webhook need: the stargazer list of a repository (src/github,
// over the GitHub API) and the stars as stored (src/db/github-star-store.ts).

/** A repository as GitHub names it. */
export interface RepositoryCoordinates {
  owner: string;
  name: string;
}

export interface StargazerList {
  /** Every stargazer's login, as GitHub spells it. */
  logins: string[];
  /**
   * False when GitHub stopped listing before the end (github.com lists 40 000 stargazers at
   * most): a user missing from the list may still have starred.
   */
  complete: boolean;
  /** Requests sent to GitHub, retries after a rate limit included. */
  requests: number;
  /** Of those, the ones GitHub answered 304 Not Modified. */
  notModified: number;
  /** GitHub's current full name when it redirected us (the repository was renamed). */
  renamedTo: string | null;
}

export interface StargazerSource {
  /** `repo` is the name stars are stored under; `coordinates` where GitHub has it. */
  list(repo: string, coordinates: RepositoryCoordinates): Promise<StargazerList>;
}

export interface RepoSyncStatus {
  repo: string;
  renamedTo: string | null;
  startedAt: Date;
  finishedAt: Date;
  stargazers: number;
  matched: number;
  requests: number;
  notModified: number;
  lastError: string | null;
}

export interface StarChange {
  /** Users whose github_username is one of the logins. */
  matched: number;
  added: number;
  removed: number;
}

export interface StarEvent {
  deliveryId: string;
  login: string;
  /** The names the star is stored under (see receive-star-event.ts). */
  repos: string[];
  starred: boolean;
  receivedAt: Date;
}

export interface GithubStarStore {
  /**
   * Makes the users starring `repo` exactly those whose github_username (case-insensitive) is
   * one of `logins` (only adds, without `removeMissing`); users gaining or losing the star get a
   * new change_seq.
   */
  setStargazers(
    repo: string,
    logins: readonly string[],
    options: { removeMissing: boolean },
  ): Promise<StarChange>;
  /**
   * Applies one webhook delivery: adds or removes the star of every user with that login, and
   * records the delivery id in the same transaction. 'duplicate' when the id was seen before.
   */
  applyStarEvent(event: StarEvent): Promise<StarChange | 'duplicate'>;
  recordSync(status: RepoSyncStatus): Promise<void>;
  syncStatuses(): Promise<RepoSyncStatus[]>;
}
