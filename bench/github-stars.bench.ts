// The GitHub stargazer poller against the mock GitHub API (issue 25 §2): a first sync of N
// stargazers (N users with a matching github_username), an idle re-sync (every page a 304), and
// a re-sync after the first stargazer unstarred (every page after it shifts). Requests and
// seconds of each; SQLite, one process wired like the daemon (buildRuntime).
// Run: npx tsx bench/github-stars.bench.ts [stargazers, default 10000]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config/load-config.ts';
import { buildRuntime } from '../src/runtime.ts';
import { startMockGithub } from '../test/support/mock-github.ts';

const REPO = 'bench/widget';

async function main(): Promise<void> {
  const stargazers = Number(process.argv[2] ?? 10_000);
  const dir = mkdtempSync(join(tmpdir(), 'qm-github-bench-'));
  const github = await startMockGithub();
  const emptyFile = join(dir, 'config.yaml');
  writeFileSync(emptyFile, '');
  const config = loadConfig({
    env: {
      DATABASE_URL: `file:${join(dir, 'bench.db')}`,
      GITHUB_API_URL: github.url,
      GITHUB_REPOSITORIES: REPO,
      LOG_LEVEL: 'error',
    },
    path: emptyFile,
    stdoutIsTty: false,
  });
  const runtime = await buildRuntime(config);
  try {
    const logins = Array.from({ length: stargazers }, (_, i) => `fan-${i}`);
    github.setStargazers(REPO, logins);
    await runtime.app.upsertUsers(
      logins.map((login, i) => ({ id: `user-${i}`, githubUsername: login.toUpperCase() })),
    );
    const measure = async (what: string) => {
      const started = performance.now();
      const [result] = (await runtime.github.sync()).results;
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `${what.padEnd(28)} ${String(result!.requests).padStart(6)} requests ` +
          `(${result!.notModified} × 304)  ${seconds.toFixed(2)} s  ` +
          `+${result!.added} −${result!.removed}`,
      );
    };
    console.log(`${stargazers} stargazers, 100 a page, SQLite`);
    await measure('first sync');
    await measure('idle re-sync');
    github.setStargazers(REPO, logins.slice(1));
    await measure('after the first unstarred');
  } finally {
    await runtime.close();
    await github.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
