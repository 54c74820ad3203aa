// The list of every setting the daemon reads, with the environment variable that overrides it.
// It is the one place that ties the three names of a setting together (Config path, YAML key,
// environment variable), so error messages, the unknown-key check, config.yaml, the docs and the
// deployment tests all agree. Types, defaults and rules live in config-schema.ts.

export interface Setting {
  /** Dotted path in the Config object, e.g. `gateway.adminPath`. */
  readonly path: string;
  /** Dotted key in config.yaml, e.g. `gateway.admin_path` (derived from `path`). */
  readonly yamlKey: string;
  /** Environment variable that overrides the YAML value, e.g. `AIGATEWAY_ADMIN_PATH`. */
  readonly env: string;
  /** Never echoed in error messages (and listed by configSecrets for log redaction). */
  readonly secret: boolean;
}

/** Environment variable that names the YAML file (default ./config.yaml). */
export const CONFIG_PATH_ENV = 'QM_CONFIG';

/** Top-level YAML keys that hold a mapping of settings rather than a value. */
export const SECTIONS = ['gateway', 'scan', 'api', 'log', 'github', 'user_source'] as const;

/** The Config key of a section (`user_source` → `userSource`). */
export const sectionPath = (yamlKey: string): string =>
  yamlKey.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

// Environment names are not derivable from the paths (AIGATEWAY_*, QM_TIMEZONE,
// LEDGER_MAX_ATTEMPTS), because the issue fixed them to match the original system's names.
const table: ReadonlyArray<readonly [path: string, env: string, secret?: 'secret']> = [
  ['databaseUrl', 'DATABASE_URL', 'secret'],
  ['databasePoolSize', 'DATABASE_POOL_SIZE'],
  ['host', 'HOST'],
  ['port', 'PORT'],
  ['publicBasePath', 'PUBLIC_BASE_PATH'],
  ['publicUrl', 'PUBLIC_URL'],
  ['trustProxy', 'TRUST_PROXY'],
  ['adminToken', 'ADMIN_TOKEN', 'secret'],
  ['adminTokens', 'ADMIN_TOKENS', 'secret'],
  ['metricsToken', 'METRICS_TOKEN', 'secret'],
  ['timezone', 'QM_TIMEZONE'],
  ['scanCron', 'SCAN_CRON'],
  ['gateway.url', 'AIGATEWAY_URL'],
  ['gateway.adminPath', 'AIGATEWAY_ADMIN_PATH'],
  ['gateway.authHeader', 'AIGATEWAY_AUTH_HEADER'],
  ['gateway.authValue', 'AIGATEWAY_AUTH_VALUE', 'secret'],
  ['gateway.timeoutMs', 'AIGATEWAY_TIMEOUT_MS'],
  ['gateway.maxAttempts', 'AIGATEWAY_MAX_ATTEMPTS'],
  ['gateway.retryBaseDelayMs', 'AIGATEWAY_RETRY_BASE_DELAY_MS'],
  ['gateway.retryMaxDelayMs', 'AIGATEWAY_RETRY_MAX_DELAY_MS'],
  ['gateway.concurrency', 'AIGATEWAY_CONCURRENCY'],
  ['gateway.honoursIdempotency', 'AIGATEWAY_HONOURS_IDEMPOTENCY'],
  ['gateway.reconcile', 'AIGATEWAY_RECONCILE'],
  ['gateway.balance', 'AIGATEWAY_BALANCE'],
  ['gateway.settleAfterMs', 'AIGATEWAY_SETTLE_AFTER_MS'],
  ['gateway.breakerFailures', 'AIGATEWAY_BREAKER_FAILURES'],
  ['gateway.breakerCooldownMs', 'AIGATEWAY_BREAKER_COOLDOWN_MS'],
  ['gateway.workerThread', 'AIGATEWAY_WORKER_THREAD'],
  ['scan.pageSize', 'SCAN_PAGE_SIZE'],
  ['scan.leaseMs', 'SCAN_LEASE_MS'],
  ['scan.fullEveryMs', 'SCAN_FULL_EVERY_MS'],
  ['scan.ledgerMaxAttempts', 'LEDGER_MAX_ATTEMPTS'],
  ['scan.maxUsersPerOccurrence', 'SCAN_MAX_USERS_PER_OCCURRENCE'],
  ['scan.previewMaxBalanceReads', 'SCAN_PREVIEW_MAX_BALANCE_READS'],
  ['api.bodyLimitBytes', 'API_BODY_LIMIT_BYTES'],
  ['api.requestTimeoutMs', 'API_REQUEST_TIMEOUT_MS'],
  ['api.rateLimitPerMinute', 'API_RATE_LIMIT_PER_MINUTE'],
  ['userSource.url', 'USER_SOURCE_URL', 'secret'],
  ['userSource.query', 'USER_SOURCE_QUERY'],
  ['userSource.cursor', 'USER_SOURCE_CURSOR'],
  ['userSource.cron', 'USER_SOURCE_CRON'],
  ['userSource.fullEvery', 'USER_SOURCE_FULL_EVERY'],
  ['userSource.onDelete', 'USER_SOURCE_ON_DELETE'],
  ['userSource.maxDeleteFraction', 'USER_SOURCE_MAX_DELETE_FRACTION'],
  ['userSource.timezone', 'USER_SOURCE_TIMEZONE'],
  ['log.level', 'LOG_LEVEL'],
  ['log.format', 'LOG_FORMAT'],
  ['github.token', 'GITHUB_TOKEN', 'secret'],
  ['github.apiUrl', 'GITHUB_API_URL'],
  ['github.repositories', 'GITHUB_REPOSITORIES'],
  ['github.syncCron', 'GITHUB_SYNC_CRON'],
  ['github.webhookSecret', 'GITHUB_WEBHOOK_SECRET', 'secret'],
  ['github.webhookMaxAgeMs', 'GITHUB_WEBHOOK_MAX_AGE_MS'],
];

const snakeCase = (segment: string): string =>
  segment.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

export const SETTINGS: readonly Setting[] = Object.freeze(
  table.map(([path, env, secret]) =>
    Object.freeze({
      path,
      env,
      secret: secret === 'secret',
      yamlKey: path.split('.').map(snakeCase).join('.'),
    }),
  ),
);

export const settingByPath: ReadonlyMap<string, Setting> = new Map(
  SETTINGS.map((s) => [s.path, s]),
);
export const settingByYamlKey: ReadonlyMap<string, Setting> = new Map(
  SETTINGS.map((s) => [s.yamlKey, s]),
);
