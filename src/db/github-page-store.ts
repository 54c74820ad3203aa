// The stargazer pages GitHub last sent for each repository (table github_stargazer_page): the
// ETag to send back as If-None-Match and the content to use when GitHub answers 304.
import type { Database } from './client.ts';

export interface StoredStargazerPage {
  url: string;
  etag: string;
  link: string | null;
  logins: string[];
}

export interface StargazerPageStore {
  load(repo: string): Promise<StoredStargazerPage[]>;
  /** Replaces the repository's pages with these, in list order. */
  save(repo: string, pages: readonly StoredStargazerPage[]): Promise<void>;
}

export function createStargazerPageStore(database: Database): StargazerPageStore {
  const { db } = database;
  return {
    async load(repo) {
      const rows = await db.githubStargazerPage.findMany({
        where: { repo },
        orderBy: { page: 'asc' },
      });
      return rows.map((row) => ({
        url: row.url,
        etag: row.etag,
        link: row.link,
        logins: JSON.parse(row.logins) as string[],
      }));
    },
    async save(repo, pages) {
      await db.$transaction(
        async (tx) => {
          await tx.githubStargazerPage.deleteMany({ where: { repo } });
          for (let start = 0; start < pages.length; start += 200) {
            await tx.githubStargazerPage.createMany({
              data: pages.slice(start, start + 200).map((page, i) => ({
                repo,
                page: start + i + 1,
                url: page.url,
                etag: page.etag,
                link: page.link,
                logins: JSON.stringify(page.logins),
              })),
            });
          }
        },
        { timeout: 120_000 },
      );
    },
  };
}
