// The one zod schema for the daemon's configuration: types, defaults and every rule. Its input
// is the merged YAML + environment object (strings from the environment, YAML scalars from the
// file), so each value helper accepts both forms; its output is the Config object.
// Error messages are written to follow "<setting> = <value>: ", e.g. "must be an integer ...".
import { z } from 'zod';
import { isIP } from 'node:net';
import { MIN_LEASE_MS } from '../core/scan/lease-timing.ts';
import { BALANCE_PROTOCOLS } from '../core/grant-mode.ts';
import { databaseKind } from './database-url.ts';
import { SENDABLE_HEADER_VALUE } from '../gateway/header-value.ts';
import { githubSettings } from './github-settings.ts';
import { namedTokens } from './named-tokens.ts';
import { publicUrl, publicUrlPath, trustProxyList } from './public-site.ts';
import {
  cronProblem,
  duration,
  httpUrlProblem,
  rule,
  text,
  timeZoneProblem,
} from './setting-values.ts';

export { MAX_TIMER_MS } from './setting-values.ts';
import { userSourceSchema } from './user-source-schema.ts';

const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
const LOG_FORMATS = ['json', 'pretty'] as const;

/** Integers arrive as text from the environment; only plain decimal text counts ("" or "1e3" do not). */
function integer(min: number, max?: number) {
  const error =
    max === undefined
      ? `must be an integer of at least ${min}`
      : `must be an integer from ${min} to ${max}`;
  const number = z.int({ error }).min(min, { error });
  return z.preprocess(
    (value) =>
      typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : value,
    max === undefined ? number : number.max(max, { error }),
  );
}

const boolean = () =>
  z.preprocess(
    (value) => {
      if (typeof value !== 'string') return value;
      const text = value.trim().toLowerCase();
      return text === 'true' || text === '1'
        ? true
        : text === 'false' || text === '0'
          ? false
          : value;
    },
    z.boolean({ error: 'must be true or false' }),
  );

// Levels and formats are often typed in capitals in shell environments (LOG_LEVEL=INFO).
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(
    (value) => (typeof value === 'string' ? value.trim().toLowerCase() : value),
    z.enum(values, { error: `must be one of ${values.join(', ')}` }),
  );

// RFC 1123 host names: dot-separated labels of letters, digits and inner hyphens.
const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** An IP address or a host name; "256.1.1.1" is neither (its last label is all digits). */
function hostProblem(value: string): string | undefined {
  if (isIP(value) !== 0) return undefined;
  const labels = value.replace(/\.$/, '').split('.');
  const isName =
    value.length <= 253 &&
    labels.every((label) => HOST_LABEL.test(label)) &&
    !/^\d+$/.test(labels.at(-1)!);
  return isName
    ? undefined
    : 'must be a host name or IP address (no scheme, port, path, spaces or underscores)';
}

function databaseUrlProblem(value: string): string | undefined {
  try {
    // The driver picks the database with this same function, so config and driver agree.
    if (databaseKind(value) === 'sqlite')
      return value.length > 'file:'.length ? undefined : 'must name a file after file:';
  } catch {
    return 'must start with file: (SQLite), postgres:// / postgresql:// (PostgreSQL) or mysql:// / mariadb:// (MySQL, MariaDB)';
  }
  try {
    new URL(value);
    return undefined;
  } catch {
    return 'is not a valid PostgreSQL URL (percent-encode special characters in the password)';
  }
}

// RFC 9110 token characters: anything else cannot be sent as a header name.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface SchemaOptions {
  /** Chooses the LOG_FORMAT default: readable lines in a terminal, JSON lines otherwise. */
  stdoutIsTty: boolean;
}

export function createConfigSchema({ stdoutIsTty }: SchemaOptions) {
  return z
    .object({
      databaseUrl: text()
        .superRefine(rule(databaseUrlProblem))
        .default('file:./data/quota-manager.db'),
      // PostgreSQL connections per process; SQLite always uses one.
      databasePoolSize: integer(1, 1000).default(10),
      host: text().superRefine(rule(hostProblem)).default('127.0.0.1'),
      port: integer(0, 65535).default(8099),
      // The path a reverse proxy serves the daemon under ("/quota"): links and redirects the
      // console sends carry it. A trailing slash is dropped so "/quota/" and "/quota" agree.
      publicBasePath: text()
        .regex(/^(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*\/?$/, {
          error: 'must be empty or a path starting with / (no spaces, ? or #), such as /quota',
        })
        .transform((path) => path.replace(/\/+$/, ''))
        .default(''),
      // Where operators reach the daemon, e.g. https://ops.example.com/quota: the console's
      // same-origin check, its cookie's Secure flag and path, and its links follow it.
      publicUrl: publicUrl().optional(),
      // Proxies whose X-Forwarded-* headers are believed (addresses or CIDRs); none by default.
      trustProxy: trustProxyList().default([]),
      adminToken: text()
        .min(16, { error: 'must be at least 16 characters (leave it unset to have one generated)' })
        .regex(/^\S+$/, { error: 'must not contain spaces or line breaks' })
        .optional(),
      adminTokens: namedTokens(),
      metricsToken: text()
        .min(16, { error: 'must be at least 16 characters (leave it unset to keep /metrics open)' })
        .regex(/^\S+$/, { error: 'must not contain spaces or line breaks' })
        .optional(),
      timezone: text().superRefine(rule(timeZoneProblem)).default('UTC'),
      scanCron: text().superRefine(rule(cronProblem)).default('* * * * *'),
      gateway: z
        .object({
          // A trailing slash is dropped so `url + adminPath` never produces "//".
          url: text()
            .superRefine(rule(httpUrlProblem))
            .transform((url) => url.replace(/\/+$/, ''))
            .default('http://127.0.0.1:8002'),
          // A query or fragment would be cut off or misplaced once /delta etc. are appended.
          adminPath: text()
            .regex(/^\/[^\s?#]*$/, { error: 'must be a path starting with / (no spaces, ? or #)' })
            .default('/v1/chat/completions/quota'),
          authHeader: text()
            .regex(HEADER_NAME, { error: 'must be a valid HTTP header name' })
            .default('x-admin-key'),
          authValue: text()
            // Node refuses non-Latin-1 header values on every request; gateways read Latin-1
            // differently. Printable ASCII is what every hop agrees on.
            .regex(SENDABLE_HEADER_VALUE, {
              error:
                'must be printable ASCII (no line breaks, control or non-ASCII characters, or surrounding spaces)',
            })
            .default(''),
          timeoutMs: duration(1).default(5000),
          maxAttempts: integer(1).default(5),
          retryBaseDelayMs: duration(0).default(200),
          retryMaxDelayMs: duration(0).default(10000),
          concurrency: integer(1).default(16),
          // false is the safe side and what the real Higress ai-quota plugin needs.
          honoursIdempotency: boolean().default(false),
          reconcile: oneOf(['query', 'off'] as const).default('query'),
          balance: oneOf(BALANCE_PROTOCOLS).default('total_minus_used'),
          /** Unset: the client's whole retry budget (core/scan/run-deps.ts, gatewayCallBudgetMs). */
          settleAfterMs: duration(0).optional(),
          breakerFailures: integer(0).default(5),
          breakerCooldownMs: duration(1).default(30000),
          workerThread: boolean().default(false),
        })
        .superRefine((gateway, ctx) => {
          if (gateway.retryMaxDelayMs < gateway.retryBaseDelayMs) {
            ctx.addIssue({
              code: 'custom',
              path: ['retryMaxDelayMs'],
              message: `must be at least the base delay (AIGATEWAY_RETRY_BASE_DELAY_MS = ${gateway.retryBaseDelayMs})`,
            });
          }
          if (gateway.balance === 'quota' && gateway.reconcile === 'query') {
            // Reconciliation tells "applied" from "not applied" by a counter only admin calls
            // move. On a single-counter gateway the user's own spending moves it too: a lost
            // delta followed by spending of the same amount would read as "not applied" and be
            // granted again.
            ctx.addIssue({
              code: 'custom',
              path: ['reconcile'],
              message:
                "must be off when AIGATEWAY_BALANCE=quota: with one counter a user's spending moves the very number reconciliation reads, so a lost grant could be sent twice (with off, an uncertain grant becomes unknown for an operator to resolve)",
            });
          }
        }),
      scan: z.object({
        pageSize: integer(1).default(1000),
        leaseMs: duration(
          MIN_LEASE_MS,
          'the lease is renewed every third of its lifetime, at least 1000 ms apart, and must outlast three renewals',
        ).default(120000),
        // Rows other programs write into user_info do not move the change counter: a forced full
        // scan of every single strategy this often finds them. 0: never (all writes via the API).
        fullEveryMs: duration(0).default(3600000),
        // Counts gateway requests (the client's retries included): 100 = 20 scans of 5 requests.
        ledgerMaxAttempts: integer(1).default(100),
        /** Budget cap for strategies that set no max_users_per_occurrence; unset: none. */
        maxUsersPerOccurrence: integer(1).optional(),
        // Viewers may preview and explain: a top_up/reset preview reads each matching user's
        // balance, so one request may read at most this many (the rest are reported unread).
        previewMaxBalanceReads: integer(0).default(1000),
      }),
      api: z.object({
        bodyLimitBytes: integer(1).default(1048576),
        requestTimeoutMs: duration(1).default(30000),
        rateLimitPerMinute: integer(0).default(600),
      }),
      userSource: userSourceSchema({
        text,
        cronRule: rule(cronProblem),
        databaseUrlRule: rule(databaseUrlProblem),
        timeZoneRule: rule(timeZoneProblem),
      }),
      log: z.object({
        level: oneOf(LOG_LEVELS).default('info'),
        format: oneOf(LOG_FORMATS).default(stdoutIsTty ? 'pretty' : 'json'),
      }),
      github: githubSettings(),
      // docs/events.md: the outbox's delivery worker and who it may send to.
      webhooks: z.object({
        allowPrivateTargets: boolean().default(false),
        pollMs: duration(10).default(1000),
        concurrency: integer(1, 256).default(8),
        timeoutMs: duration(100).default(5000),
        retryBaseMs: duration(1).default(10000),
        retryMaxMs: duration(1).default(3600000),
        retryForMs: duration(1).default(86400000),
        disableAfterMs: duration(1).default(432000000),
        retentionMs: duration(1000).default(604800000),
        secretOverlapMs: duration(0).default(86400000),
      }),
    })
    .superRefine((config, ctx) => {
      if (
        config.publicUrl !== undefined &&
        config.publicBasePath !== '' &&
        publicUrlPath(config.publicUrl) !== config.publicBasePath
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['publicBasePath'],
          message: `must match the path of PUBLIC_URL (${publicUrlPath(config.publicUrl) || '/'}), or be left unset`,
        });
      }
      // Whoever scrapes metrics would otherwise hold the key to the whole admin API.
      if (config.metricsToken !== undefined && config.metricsToken === config.adminToken) {
        ctx.addIssue({
          code: 'custom',
          path: ['metricsToken'],
          message: 'must differ from ADMIN_TOKEN (a scraper must not hold the admin key)',
        });
      }
    });
}

export type ParsedConfig = z.output<ReturnType<typeof createConfigSchema>>;
