// The stargazer pages GitHub last sent for each repository (table github_stargazer_page): the
// ETag to send back as If-None-Match and the content to use when GitHub answers 304.
import { Prisma, type Database } from './client.ts';

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
  const { db, kind } = database;
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
      // Upserted, not only inserted: two replicas polling together both delete and write.
      const upsert =
        kind === 'mysql'
          ? Prisma.sql`ON DUPLICATE KEY UPDATE url = VALUES(url), etag = VALUES(etag), link = VALUES(link), logins = VALUES(logins)`
          : Prisma.sql`ON CONFLICT (repo, page) DO UPDATE SET url = excluded.url, etag = excluded.etag, link = excluded.link, logins = excluded.logins`;
      await db.$transaction(
        async (tx) => {
          await tx.githubStargazerPage.deleteMany({ where: { repo } });
          for (let start = 0; start < pages.length; start += 200) {
            const values = pages
              .slice(start, start + 200)
              .map(
                (page, i) =>
                  Prisma.sql`(${repo}, ${start + i + 1}, ${page.url}, ${page.etag}, ${page.link}, ${JSON.stringify(page.logins)})`,
              );
            await tx.$executeRaw`INSERT INTO github_stargazer_page (repo, page, url, etag, link, logins)
              VALUES ${Prisma.join(values)} ${upsert}`;
          }
        },
        { timeout: 120_000 },
      );
    },
  };
}
