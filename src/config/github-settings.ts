// The github: section of the config (docs/github.md): the stargazer poller and the webhook.
import { z } from 'zod';
import {
  cronProblem,
  duration,
  httpUrlProblem,
  rule,
  splitCommaText,
  text,
} from './setting-values.ts';

/** GitHub owners are letters, digits and hyphens; repository names add `.` and `_`. */
const REPOSITORY = /^[A-Za-z0-9-]{1,39}[/.][A-Za-z0-9._-]{1,100}$/;

/** A YAML list, or the environment's comma-separated text. */
const repositoryList = () =>
  z.preprocess(
    splitCommaText,
    z
      .array(text(), {
        error: 'must be a list of owner/name repositories (comma-separated in the environment)',
      })
      // Checked as a whole, so the error names the setting rather than one item of it.
      .superRefine((repos, ctx) => {
        const bad = repos.find((repo) => !REPOSITORY.test(repo));
        if (bad !== undefined)
          ctx.addIssue({
            code: 'custom',
            message: `"${bad}" must be owner/name (or owner.name, as conditions may write it)`,
          });
      }),
  );

/** docs/github.md: the poller and the webhook. */
export function githubSettings() {
  return z.object({
    token: text().optional(),
    apiUrl: text()
      .superRefine(rule(httpUrlProblem))
      .transform((url) => url.replace(/\/+$/, ''))
      .default('https://api.github.com'),
    repositories: repositoryList().default([]),
    // `off`: no poller (stars kept by hand, or by the webhook alone).
    syncCron: text()
      .superRefine(rule((value) => (value.trim() === 'off' ? undefined : cronProblem(value))))
      .transform((value) => (value.trim() === 'off' ? 'off' : value))
      .default('*/10 * * * *'),
    webhookSecret: text()
      .min(16, { error: 'must be at least 16 characters (leave it unset to turn the webhook off)' })
      .optional(),
    webhookMaxAgeMs: duration(1000).default(600000),
  });
}
