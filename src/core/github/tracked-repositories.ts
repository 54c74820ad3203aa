// Which repositories the GitHub star sync reads: every one named in an enabled strategy's
// `github-star(...)`, plus GITHUB_REPOSITORIES. Stars are stored under the name as written
// there, because that is the text `github-star` compares with.
import { parse, type ConditionAst } from '../../condition/index.ts';
import type { RepositoryCoordinates } from '../ports/github.ts';

/**
 * `owner/name`, or `owner.name` as the original system's conditions write it: an owner has no
 * dot (GitHub allows letters, digits and hyphens), so the first dot or slash separates them.
 */
export function coordinatesOf(repo: string): RepositoryCoordinates | null {
  const match = /^([A-Za-z0-9-]{1,39})[/.]([A-Za-z0-9._-]{1,100})$/.exec(repo);
  return match ? { owner: match[1]!, name: match[2]! } : null;
}

function starredIn(ast: ConditionAst): string[] {
  switch (ast.name) {
    case 'github-star':
      return ast.args.map((arg) => arg.value);
    case 'and':
    case 'or':
      return ast.args.flatMap(starredIn);
    case 'not':
      // A strategy for users who did NOT star a repository needs that repository's stars too.
      return starredIn(ast.args[0]);
    default:
      return [];
  }
}

/** The repositories, each once, in first-seen order (conditions that do not parse name none). */
export function trackedRepositories(
  conditions: Iterable<string>,
  configured: readonly string[],
): string[] {
  const repos = new Set<string>(configured);
  for (const condition of conditions) {
    const parsed = parse(condition);
    if (parsed.ok) for (const repo of starredIn(parsed.ast)) repos.add(repo);
  }
  return [...repos];
}
