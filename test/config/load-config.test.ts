// loadConfig: defaults < YAML < environment, one clear ConfigError per bad value, frozen result.
// Every case passes its own `env`, so the machine's environment never leaks into a result.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  configSecrets,
  loadConfig,
  type Config,
} from '../../src/config/load-config.ts';
import { SETTINGS } from '../../src/config/settings.ts';

const dir = mkdtempSync(join(tmpdir(), 'qm-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** Writes a YAML file with the given text and returns its path. */
function yamlFile(text: string): string {
  const path = join(dir, `config-${++files}.yaml`);
  writeFileSync(path, text);
  return path;
}

const empty = yamlFile('');

const DEFAULTS: Config = {
  databaseUrl: 'file:./data/quota-manager.db',
  databasePoolSize: 10,
  host: '127.0.0.1',
  port: 8099,
  publicBasePath: '',
  trustProxy: [],
  adminToken: undefined,
  adminTokens: [],
  metricsToken: undefined,
  timezone: 'UTC',
  scanCron: '* * * * *',
  gateway: {
    url: 'http://127.0.0.1:8002',
    adminPath: '/v1/chat/completions/quota',
    authHeader: 'x-admin-key',
    authValue: '',
    timeoutMs: 5000,
    maxAttempts: 5,
    retryBaseDelayMs: 200,
    retryMaxDelayMs: 10000,
    concurrency: 16,
    honoursIdempotency: false,
    reconcile: 'query',
    balance: 'total_minus_used',
    breakerFailures: 5,
    breakerCooldownMs: 30000,
    workerThread: false,
  },
  scan: {
    pageSize: 1000,
    leaseMs: 120000,
    fullEveryMs: 3600000,
    ledgerMaxAttempts: 100,
    previewMaxBalanceReads: 1000,
  },
  api: { bodyLimitBytes: 1048576, requestTimeoutMs: 30000, rateLimitPerMinute: 600 },
  userSource: { cron: '*/5 * * * *', fullEvery: '24h', onDelete: 'keep', maxDeleteFraction: 0.1 },
  log: { level: 'info', format: 'json' },
  github: {
    token: undefined,
    apiUrl: 'https://api.github.com',
    repositories: [],
    syncCron: '*/10 * * * *',
    webhookSecret: undefined,
    webhookMaxAgeMs: 600000,
  },
  webhooks: {
    allowPrivateTargets: false,
    pollMs: 1000,
    concurrency: 8,
    timeoutMs: 5000,
    retryBaseMs: 10000,
    retryMaxMs: 3600000,
    retryForMs: 86400000,
    disableAfterMs: 432000000,
    retentionMs: 604800000,
    secretOverlapMs: 86400000,
  },
};

/** Reads a dotted path (`gateway.timeoutMs`) out of a config. */
function at(config: Readonly<Config>, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], config);
}

/** The ConfigError a load throws (fails the test if it does not throw one). */
function configError(options: Parameters<typeof loadConfig>[0]): ConfigError {
  try {
    loadConfig(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

describe('defaults', () => {
  it('gives every default with an empty file and no environment', () => {
    expect(loadConfig({ env: {}, path: empty, stdoutIsTty: false })).toEqual(DEFAULTS);
  });

  it('formats logs as pretty lines when stdout is a terminal, JSON otherwise', () => {
    expect(loadConfig({ env: {}, path: empty, stdoutIsTty: true }).log.format).toBe('pretty');
    expect(loadConfig({ env: {}, path: empty, stdoutIsTty: false }).log.format).toBe('json');
  });

  it('accepts a missing ./config.yaml when no path was named', () => {
    const cwd = process.cwd();
    const bare = join(dir, 'no-config-here');
    mkdirSync(bare);
    process.chdir(bare);
    try {
      expect(loadConfig({ env: {}, stdoutIsTty: false })).toEqual(DEFAULTS);
    } finally {
      process.chdir(cwd);
    }
  });

  it('ships a config.yaml whose values are exactly the defaults', () => {
    const shipped = resolve(import.meta.dirname, '../../config.yaml');
    for (const stdoutIsTty of [true, false]) {
      expect(loadConfig({ env: {}, path: shipped, stdoutIsTty })).toEqual(
        loadConfig({ env: {}, path: empty, stdoutIsTty }),
      );
    }
  });

  it('treats an empty or null YAML value and an empty variable as unset', () => {
    const path = yamlFile('port:\nhost: ~\ngateway:\n');
    expect(loadConfig({ env: { ADMIN_TOKEN: '', PORT: '' }, path, stdoutIsTty: false })).toEqual(
      DEFAULTS,
    );
  });
});

describe('YAML values override defaults', () => {
  it.each([
    ['database_url: postgresql://qm:pw@db:5432/qm', 'databaseUrl', 'postgresql://qm:pw@db:5432/qm'],
    ['database_url: postgres://db/qm', 'databaseUrl', 'postgres://db/qm'],
    ['database_url: mysql://qm:pw@db:3306/qm', 'databaseUrl', 'mysql://qm:pw@db:3306/qm'],
    ['database_url: mariadb://db/qm', 'databaseUrl', 'mariadb://db/qm'],
    ['host: 0.0.0.0', 'host', '0.0.0.0'],
    ['port: 0', 'port', 0],
    ['port: 65535', 'port', 65535],
    ['public_base_path: /quota', 'publicBasePath', '/quota'],
    ['public_base_path: /ops/quota/', 'publicBasePath', '/ops/quota'],
    ['public_base_path: /', 'publicBasePath', ''],
    ['public_url: https://ops.example.com/quota/', 'publicUrl', 'https://ops.example.com/quota'],
    ['public_url: http://10.0.0.1:8080', 'publicUrl', 'http://10.0.0.1:8080'],
    [
      'public_url: https://ops.example.com/quota\npublic_base_path: /quota',
      'publicBasePath',
      '/quota',
    ],
    [
      'trust_proxy: [127.0.0.1, 10.0.0.0/8, "fd00::/8"]',
      'trustProxy',
      ['127.0.0.1', '10.0.0.0/8', 'fd00::/8'],
    ],
    ['admin_token: "0123456789abcdef"', 'adminToken', '0123456789abcdef'],
    ['metrics_token: "scrape-0123456789"', 'metricsToken', 'scrape-0123456789'],
    ['timezone: Asia/Shanghai', 'timezone', 'Asia/Shanghai'],
    ['scan_cron: "*/5 * * * *"', 'scanCron', '*/5 * * * *'],
    ['scan_cron: "*/30 * * * * *"', 'scanCron', '*/30 * * * * *'],
    ['gateway:\n  url: https://gw.example.com:8443/', 'gateway.url', 'https://gw.example.com:8443'],
    ['gateway:\n  admin_path: /quota', 'gateway.adminPath', '/quota'],
    ['gateway:\n  auth_header: Authorization', 'gateway.authHeader', 'Authorization'],
    ['gateway:\n  auth_value: "Bearer abc"', 'gateway.authValue', 'Bearer abc'],
    ['gateway:\n  timeout_ms: 250', 'gateway.timeoutMs', 250],
    ['gateway:\n  max_attempts: 1', 'gateway.maxAttempts', 1],
    ['gateway:\n  retry_base_delay_ms: 0', 'gateway.retryBaseDelayMs', 0],
    ['gateway:\n  retry_max_delay_ms: 200', 'gateway.retryMaxDelayMs', 200],
    ['gateway:\n  concurrency: 4', 'gateway.concurrency', 4],
    ['gateway:\n  honours_idempotency: false', 'gateway.honoursIdempotency', false],
    ['scan:\n  page_size: 50', 'scan.pageSize', 50],
    ['scan:\n  lease_ms: 30000', 'scan.leaseMs', 30000],
    ['scan:\n  ledger_max_attempts: 3', 'scan.ledgerMaxAttempts', 3],
    ['api:\n  body_limit_bytes: 2048', 'api.bodyLimitBytes', 2048],
    ['api:\n  rate_limit_per_minute: 0', 'api.rateLimitPerMinute', 0],
    ['log:\n  level: debug', 'log.level', 'debug'],
    ['log:\n  format: pretty', 'log.format', 'pretty'],
  ])('%s → %s', (yaml, path, expected) => {
    const config = loadConfig({ env: {}, path: yamlFile(yaml), stdoutIsTty: false });
    expect(at(config, path)).toEqual(expected);
  });
});

describe('environment variables override YAML', () => {
  it.each([
    [
      'DATABASE_URL',
      'database_url: file:./a.db',
      'file:/var/lib/qm/b.db',
      'databaseUrl',
      'file:/var/lib/qm/b.db',
    ],
    ['HOST', 'host: 127.0.0.1', '0.0.0.0', 'host', '0.0.0.0'],
    ['PORT', 'port: 9000', '9100', 'port', 9100],
    [
      'ADMIN_TOKEN',
      'admin_token: from-the-yaml-file-1234',
      'from-the-environment-5678',
      'adminToken',
      'from-the-environment-5678',
    ],
    [
      'METRICS_TOKEN',
      'metrics_token: metrics-from-the-yaml-1234',
      'metrics-from-the-env-5678',
      'metricsToken',
      'metrics-from-the-env-5678',
    ],
    ['QM_TIMEZONE', 'timezone: UTC', 'Europe/Berlin', 'timezone', 'Europe/Berlin'],
    ['SCAN_CRON', 'scan_cron: "0 * * * *"', '*/10 * * * *', 'scanCron', '*/10 * * * *'],
    [
      'AIGATEWAY_URL',
      'gateway:\n  url: http://a:1',
      'http://mock-gateway:8002',
      'gateway.url',
      'http://mock-gateway:8002',
    ],
    ['AIGATEWAY_ADMIN_PATH', 'gateway:\n  admin_path: /a', '/b', 'gateway.adminPath', '/b'],
    ['AIGATEWAY_AUTH_HEADER', 'gateway:\n  auth_header: x-a', 'x-b', 'gateway.authHeader', 'x-b'],
    ['AIGATEWAY_AUTH_VALUE', 'gateway:\n  auth_value: a', 'b', 'gateway.authValue', 'b'],
    ['AIGATEWAY_TIMEOUT_MS', 'gateway:\n  timeout_ms: 1', '2', 'gateway.timeoutMs', 2],
    ['AIGATEWAY_MAX_ATTEMPTS', 'gateway:\n  max_attempts: 1', '2', 'gateway.maxAttempts', 2],
    [
      'AIGATEWAY_RETRY_BASE_DELAY_MS',
      'gateway:\n  retry_base_delay_ms: 1',
      '2',
      'gateway.retryBaseDelayMs',
      2,
    ],
    [
      'AIGATEWAY_RETRY_MAX_DELAY_MS',
      'gateway:\n  retry_max_delay_ms: 300',
      '400',
      'gateway.retryMaxDelayMs',
      400,
    ],
    ['AIGATEWAY_CONCURRENCY', 'gateway:\n  concurrency: 1', '2', 'gateway.concurrency', 2],
    [
      'AIGATEWAY_HONOURS_IDEMPOTENCY',
      'gateway:\n  honours_idempotency: true',
      'false',
      'gateway.honoursIdempotency',
      false,
    ],
    [
      'AIGATEWAY_HONOURS_IDEMPOTENCY',
      'gateway:\n  honours_idempotency: false',
      '1',
      'gateway.honoursIdempotency',
      true,
    ],
    [
      'AIGATEWAY_BALANCE',
      'gateway:\n  balance: total_minus_used\n  reconcile: off',
      'quota',
      'gateway.balance',
      'quota',
    ],
    ['SCAN_PAGE_SIZE', 'scan:\n  page_size: 1', '2', 'scan.pageSize', 2],
    ['SCAN_LEASE_MS', 'scan:\n  lease_ms: 3000', '4000', 'scan.leaseMs', 4000],
    ['LEDGER_MAX_ATTEMPTS', 'scan:\n  ledger_max_attempts: 1', '2', 'scan.ledgerMaxAttempts', 2],
    ['API_BODY_LIMIT_BYTES', 'api:\n  body_limit_bytes: 1', '2', 'api.bodyLimitBytes', 2],
    ['LOG_LEVEL', 'log:\n  level: info', 'WARN', 'log.level', 'warn'],
    ['LOG_FORMAT', 'log:\n  format: json', 'pretty', 'log.format', 'pretty'],
  ])('%s wins over the file', (name, yaml, value, path, expected) => {
    const config = loadConfig({ env: { [name]: value }, path: yamlFile(yaml), stdoutIsTty: false });
    expect(at(config, path)).toEqual(expected);
  });

  it('leaves the other YAML values in place', () => {
    const path = yamlFile('port: 9000\nhost: 0.0.0.0\n');
    const config = loadConfig({ env: { PORT: '9001' }, path, stdoutIsTty: false });
    expect([config.port, config.host]).toEqual([9001, '0.0.0.0']);
  });
});

describe('invalid configuration stops with a ConfigError naming the setting', () => {
  it.each<[string, Record<string, string>, string, string, RegExp]>([
    [
      'port out of range (env)',
      { PORT: '65536' },
      '',
      'PORT',
      /^PORT \(yaml: port\) = "65536" from the environment: must be an integer from 0 to 65535$/,
    ],
    [
      'public base path without its leading slash (env)',
      { PUBLIC_BASE_PATH: 'quota' },
      '',
      'PUBLIC_BASE_PATH',
      /^PUBLIC_BASE_PATH \(yaml: public_base_path\) = "quota" from the environment: must be empty or a path starting with \/ \(no spaces, \? or #\), such as \/quota$/,
    ],
    [
      'public base path with a query (yaml)',
      {},
      'public_base_path: /quota?x=1',
      'PUBLIC_BASE_PATH',
      /PUBLIC_BASE_PATH \(yaml: public_base_path\) = "\/quota\?x=1" at .*: must be empty or a path/,
    ],
    [
      'public URL without a scheme (env)',
      { PUBLIC_URL: 'ops.example.com/quota' },
      '',
      'PUBLIC_URL',
      /^PUBLIC_URL \(yaml: public_url\) = "ops.example.com\/quota" from the environment: must be an absolute http:\/\/ or https:\/\/ URL/,
    ],
    [
      'public URL with a query (env)',
      { PUBLIC_URL: 'https://ops.example.com/quota?x=1' },
      '',
      'PUBLIC_URL',
      /must not carry a query or fragment/,
    ],
    [
      'public URL with credentials (env)',
      { PUBLIC_URL: 'https://u:p@ops.example.com/' },
      '',
      'PUBLIC_URL',
      /must not carry a user name or password/,
    ],
    [
      'public URL and base path that disagree',
      { PUBLIC_URL: 'https://ops.example.com/quota', PUBLIC_BASE_PATH: '/other' },
      '',
      'PUBLIC_BASE_PATH',
      /must match the path of PUBLIC_URL \(\/quota\), or be left unset/,
    ],
    [
      'trusted proxy that is a host name (env)',
      { TRUST_PROXY: '127.0.0.1, proxy.local' },
      '',
      'TRUST_PROXY',
      /"proxy.local" must be an IP address or a CIDR network/,
    ],
    [
      'port not a number (env)',
      { PORT: '80a' },
      '',
      'PORT',
      /PORT \(yaml: port\) = "80a" from the environment: must be an integer/,
    ],
    [
      'negative port (yaml)',
      {},
      'port: -1',
      'PORT',
      /^PORT \(yaml: port\) = -1 at .*config-\d+\.yaml:1:7: must be an integer from 0 to 65535$/,
    ],
    [
      'fractional port (yaml)',
      {},
      'port: 80.5',
      'PORT',
      /PORT \(yaml: port\) = 80\.5 at .*:1:7: must be an integer/,
    ],
    [
      'unknown time zone',
      { QM_TIMEZONE: 'Mars/Olympus_Mons' },
      '',
      'QM_TIMEZONE',
      /QM_TIMEZONE \(yaml: timezone\) = "Mars\/Olympus_Mons" from the environment: must be an IANA time zone/,
    ],
    [
      'unknown time zone, a typo of one',
      { QM_TIMEZONE: 'Asia/Shangai' },
      '',
      'QM_TIMEZONE',
      /QM_TIMEZONE .* from the environment: must be an IANA time zone such as UTC or Asia\/Shanghai \(did you mean "Asia\/Shanghai"\?\)$/,
    ],
    [
      // Intl knows it, as US Central; an operator in Shanghai means China: refused, both named.
      'an abbreviation as QM_TIMEZONE',
      { QM_TIMEZONE: 'CST' },
      '',
      'QM_TIMEZONE',
      /QM_TIMEZONE \(yaml: timezone\) = "CST" from the environment: .*legacy name.*use "Asia\/Shanghai" or "America\/Chicago"$/,
    ],
    [
      'a POSIX rule name in the file',
      {},
      'timezone: PST8PDT',
      'QM_TIMEZONE',
      /QM_TIMEZONE \(yaml: timezone\) = "PST8PDT" at .*:1:11: .*use "America\/Los_Angeles"$/,
    ],
    [
      'an inverted-sign offset zone',
      { QM_TIMEZONE: 'Etc/GMT+8' },
      '',
      'QM_TIMEZONE',
      /QM_TIMEZONE .*: "Etc\/GMT\+8" is UTC−8 \(POSIX inverts the sign\)/,
    ],
    [
      'an abbreviation as USER_SOURCE_TIMEZONE',
      { USER_SOURCE_TIMEZONE: 'EST' },
      '',
      'USER_SOURCE_TIMEZONE',
      /USER_SOURCE_TIMEZONE .* from the environment: .*use "America\/New_York"$/,
    ],
    [
      'cron with 4 fields',
      { SCAN_CRON: '* * * *' },
      '',
      'SCAN_CRON',
      /SCAN_CRON \(yaml: scan_cron\) = "\* \* \* \*" from the environment: must have 5 fields .* got 4$/,
    ],
    [
      'cron with 7 fields',
      {},
      'scan_cron: "0 0 0 * * * *"',
      'SCAN_CRON',
      /SCAN_CRON \(yaml: scan_cron\) .* at .*:1:12: must have 5 fields .* got 7$/,
    ],
    [
      'cron minute out of range',
      { SCAN_CRON: '61 * * * *' },
      '',
      'SCAN_CRON',
      /SCAN_CRON .*: is not a valid cron expression: .*61/,
    ],
    [
      'cron nickname',
      { SCAN_CRON: '@hourly' },
      '',
      'SCAN_CRON',
      /SCAN_CRON .*: must have 5 fields/,
    ],
    [
      'gateway URL with ftp scheme',
      { AIGATEWAY_URL: 'ftp://gw:21' },
      '',
      'AIGATEWAY_URL',
      /AIGATEWAY_URL \(yaml: gateway\.url\) = "ftp:\/\/gw:21" from the environment: must be an absolute http:\/\/ or https:\/\/ URL$/,
    ],
    [
      'gateway URL not absolute',
      {},
      'gateway:\n  url: gw.local:8002/x',
      'AIGATEWAY_URL',
      /AIGATEWAY_URL \(yaml: gateway\.url\) = "gw\.local:8002\/x" at .*:2:8: must be an absolute http:\/\/ or https:\/\/ URL$/,
    ],
    [
      'database URL with an unknown scheme',
      { DATABASE_URL: 'mongodb://u:hunter2@db/qm' },
      '',
      'DATABASE_URL',
      /^DATABASE_URL \(yaml: database_url\) from the environment: must start with file: \(SQLite\), postgres:\/\/ \/ postgresql:\/\/ \(PostgreSQL\) or mysql:\/\/ \/ mariadb:\/\//,
    ],
    [
      'admin token too short',
      { ADMIN_TOKEN: 'short-secret' },
      '',
      'ADMIN_TOKEN',
      /^ADMIN_TOKEN \(yaml: admin_token\) from the environment: must be at least 16 characters/,
    ],
    [
      'admin token with a line break',
      {},
      'admin_token: "0123456789abcdef\\n"',
      'ADMIN_TOKEN',
      /ADMIN_TOKEN \(yaml: admin_token\) at .*:1:14: must not contain spaces or line breaks/,
    ],
    [
      'admin token as a YAML number',
      {},
      'admin_token: 12345678901234567890',
      'ADMIN_TOKEN',
      /ADMIN_TOKEN .*: must be a string \(quote it in YAML\)/,
    ],
    [
      'metrics token too short',
      { METRICS_TOKEN: 'short-secret' },
      '',
      'METRICS_TOKEN',
      /^METRICS_TOKEN \(yaml: metrics_token\) from the environment: must be at least 16 characters \(leave it unset to keep \/metrics open\)$/,
    ],
    [
      'metrics token with a space',
      {},
      'metrics_token: "scrape 0123456789"',
      'METRICS_TOKEN',
      /^METRICS_TOKEN \(yaml: metrics_token\) at .*:1:16: must not contain spaces or line breaks$/,
    ],
    [
      'admin path without slash',
      { AIGATEWAY_ADMIN_PATH: 'v1/quota' },
      '',
      'AIGATEWAY_ADMIN_PATH',
      /AIGATEWAY_ADMIN_PATH .*: must be a path starting with \//,
    ],
    [
      'header name with a space',
      { AIGATEWAY_AUTH_HEADER: 'x admin' },
      '',
      'AIGATEWAY_AUTH_HEADER',
      /AIGATEWAY_AUTH_HEADER .*: must be a valid HTTP header name/,
    ],
    [
      'header value with a line break',
      { AIGATEWAY_AUTH_VALUE: 'k\r\nX-Evil: 1' },
      '',
      'AIGATEWAY_AUTH_VALUE',
      /^AIGATEWAY_AUTH_VALUE \(yaml: gateway\.auth_value\) from the environment: must be printable ASCII/,
    ],
    [
      'zero timeout',
      { AIGATEWAY_TIMEOUT_MS: '0' },
      '',
      'AIGATEWAY_TIMEOUT_MS',
      /AIGATEWAY_TIMEOUT_MS .*: must be an integer from 1 to 2147483647 \(ms; longer delays overflow Node timers\)$/,
    ],
    [
      'zero attempts',
      {},
      'gateway:\n  max_attempts: 0',
      'AIGATEWAY_MAX_ATTEMPTS',
      /AIGATEWAY_MAX_ATTEMPTS \(yaml: gateway\.max_attempts\) = 0 at .*:2:17: must be an integer of at least 1$/,
    ],
    [
      'retry cap below the base delay',
      { AIGATEWAY_RETRY_BASE_DELAY_MS: '20000' },
      '',
      'AIGATEWAY_RETRY_MAX_DELAY_MS',
      /AIGATEWAY_RETRY_MAX_DELAY_MS \(yaml: gateway\.retry_max_delay_ms\) left at its default: must be at least the base delay \(AIGATEWAY_RETRY_BASE_DELAY_MS = 20000\)$/,
    ],
    [
      'zero concurrency',
      { AIGATEWAY_CONCURRENCY: '0' },
      '',
      'AIGATEWAY_CONCURRENCY',
      /AIGATEWAY_CONCURRENCY .*: must be an integer of at least 1$/,
    ],
    [
      'idempotency flag not a boolean',
      { AIGATEWAY_HONOURS_IDEMPOTENCY: 'sometimes' },
      '',
      'AIGATEWAY_HONOURS_IDEMPOTENCY',
      /AIGATEWAY_HONOURS_IDEMPOTENCY .*: must be true or false$/,
    ],
    [
      'unknown balance protocol',
      { AIGATEWAY_BALANCE: 'remaining' },
      '',
      'AIGATEWAY_BALANCE',
      /AIGATEWAY_BALANCE \(yaml: gateway\.balance\) = "remaining" from the environment: must be one of total_minus_used, quota$/,
    ],
    [
      // Issue 22, reproduction 3: accepted before, and a user's spending after a lost answer
      // made reconciliation send the grant again (105 instead of 100).
      'reconciliation on a single-counter gateway',
      { AIGATEWAY_BALANCE: 'quota' },
      '',
      'AIGATEWAY_RECONCILE',
      /AIGATEWAY_RECONCILE \(yaml: gateway\.reconcile\) left at its default: must be off when AIGATEWAY_BALANCE=quota: with one counter a user's spending moves the very number reconciliation reads/,
    ],
    [
      'zero page size',
      { SCAN_PAGE_SIZE: '0' },
      '',
      'SCAN_PAGE_SIZE',
      /SCAN_PAGE_SIZE \(yaml: scan\.page_size\)/,
    ],
    [
      'lease in exponent notation',
      { SCAN_LEASE_MS: '1e5' },
      '',
      'SCAN_LEASE_MS',
      /SCAN_LEASE_MS \(yaml: scan\.lease_ms\) = "1e5" from the environment: must be an integer/,
    ],
    [
      'zero ledger attempts',
      { LEDGER_MAX_ATTEMPTS: '0' },
      '',
      'LEDGER_MAX_ATTEMPTS',
      /LEDGER_MAX_ATTEMPTS \(yaml: scan\.ledger_max_attempts\)/,
    ],
    [
      'zero body limit',
      { API_BODY_LIMIT_BYTES: '0' },
      '',
      'API_BODY_LIMIT_BYTES',
      /API_BODY_LIMIT_BYTES \(yaml: api\.body_limit_bytes\)/,
    ],
    [
      'unknown log level',
      { LOG_LEVEL: 'verbose' },
      '',
      'LOG_LEVEL',
      /LOG_LEVEL \(yaml: log\.level\) = "verbose" from the environment: must be one of error, warn, info, debug$/,
    ],
    [
      'unknown log format',
      {},
      'log:\n  format: xml',
      'LOG_FORMAT',
      /LOG_FORMAT \(yaml: log\.format\) = "xml" at .*:2:11: must be one of json, pretty$/,
    ],
    [
      'host with a scheme',
      { HOST: 'http://0.0.0.0' },
      '',
      'HOST',
      /HOST \(yaml: host\) = "http:\/\/0\.0\.0\.0" from the environment: must be a host name or IP address/,
    ],
  ])('%s', (_case, env, yaml, setting, message) => {
    const error = configError({ env, path: yamlFile(yaml), stdoutIsTty: false });
    expect(error.code).toBe('config_invalid');
    expect(error.setting).toBe(setting);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  it.each<[string, string, string, RegExp]>([
    [
      'a top-level typo',
      'port: 8099\nprot: 9000\n',
      'prot',
      /^unknown key prot at .*config-\d+\.yaml:2:1 \(known keys: database_url, database_pool_size, host, port, .*gateway, scan, api, user_source, log, github, webhooks\)$/,
    ],
    [
      'a typo inside a section',
      'gateway:\n  url: http://gw:8002\n  timeout: 100\n',
      'gateway.timeout',
      /unknown key gateway\.timeout at .*:3:3 \(known keys in gateway: url, admin_path, .*honours_idempotency, reconcile, balance, settle_after_ms, breaker_failures, breaker_cooldown_ms, worker_thread\)$/,
    ],
    [
      'the Config spelling instead of the YAML one',
      'gateway:\n  adminPath: /quota\n',
      'gateway.adminPath',
      /unknown key gateway\.adminPath at .*:2:3/,
    ],
    [
      'an environment variable name used as a key',
      'DATABASE_URL: file:./x.db\n',
      'DATABASE_URL',
      /unknown key DATABASE_URL at .*:1:1/,
    ],
    [
      'a section given a value',
      'log: debug\n',
      'log',
      /^log at .*:1:6 must be a mapping of settings/,
    ],
    [
      'a file that is a list',
      '- port: 1\n',
      'QM_CONFIG',
      /^the file at .*:1:1 must be a mapping of settings/,
    ],
  ])('rejects %s with its line and column', (_case, yaml, setting, message) => {
    const error = configError({ env: {}, path: yamlFile(yaml), stdoutIsTty: false });
    expect(error.setting).toBe(setting);
    expect(error.message).toMatch(message);
  });

  it.each<[string, string, RegExp]>([
    [
      'an unclosed flow sequence',
      'gateway:\n  url: [1\n  x: 2\n',
      /^YAML syntax error at .*config-\d+\.yaml:3:3: Flow sequence in block collection must be sufficiently indented and end with a \]$/,
    ],
    [
      'a duplicated key',
      'port: 1\nport: 2\n',
      /YAML syntax error at .*:2:1: Map keys must be unique$/,
    ],
    ['a tab used for indentation', 'gateway:\n\turl: http://x\n', /YAML syntax error at .*:2:1: /],
    [
      'two documents',
      'port: 1\n---\nport: 2\n',
      /YAML syntax error at .*:2:1: the file must hold a single YAML document/,
    ],
  ])('reports malformed YAML (%s) with line:column', (_case, yaml, message) => {
    const error = configError({ env: {}, path: yamlFile(yaml), stdoutIsTty: false });
    expect(error.setting).toBe('QM_CONFIG');
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  it('never echoes a secret value in the message', () => {
    const cases = [
      { DATABASE_URL: 'mongodb://qm:hunter2-secret@db/qm' },
      { ADMIN_TOKEN: 'hunter2-secret' },
      { METRICS_TOKEN: 'hunter2-secret' },
      { AIGATEWAY_AUTH_VALUE: 'hunter2-secret\n' },
    ];
    for (const env of cases) {
      expect(configError({ env, path: empty, stdoutIsTty: false }).message).not.toContain(
        'hunter2',
      );
    }
  });

  it('cuts long values short in the message', () => {
    const error = configError({
      env: { QM_TIMEZONE: 'X'.repeat(500) },
      path: empty,
      stdoutIsTty: false,
    });
    expect(error.message.length).toBeLessThan(250);
  });
});

describe('choosing the file', () => {
  it('reads the file named by QM_CONFIG', () => {
    const path = yamlFile('port: 7000\n');
    expect(loadConfig({ env: { QM_CONFIG: path }, stdoutIsTty: false }).port).toBe(7000);
  });

  it('prefers an explicit path over QM_CONFIG', () => {
    const named = yamlFile('port: 7000\n');
    const explicit = yamlFile('port: 7001\n');
    expect(loadConfig({ env: { QM_CONFIG: named }, path: explicit, stdoutIsTty: false }).port).toBe(
      7001,
    );
  });

  it.each([
    ['QM_CONFIG', { QM_CONFIG: join(dir, 'missing.yaml') }, undefined],
    ['the path option', {}, join(dir, 'missing.yaml')],
  ])('fails when the file named by %s does not exist', (_how, env, path) => {
    const error = configError({ env, path, stdoutIsTty: false });
    expect(error.setting).toBe('QM_CONFIG');
    expect(error.message).toMatch(/^cannot read config file .*missing\.yaml \(ENOENT\)/);
  });

  it('fails when the named path is a directory', () => {
    expect(configError({ env: { QM_CONFIG: dir }, stdoutIsTty: false }).message).toMatch(
      /cannot read config file .* \(EISDIR\)/,
    );
  });
});

describe('the result', () => {
  it('is deeply frozen', () => {
    const config = loadConfig({ env: {}, path: empty, stdoutIsTty: false });
    expect(Object.isFrozen(config)).toBe(true);
    for (const section of [config.gateway, config.scan, config.api, config.log])
      expect(Object.isFrozen(section)).toBe(true);
    expect(() => {
      (config as Config).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      config.gateway.url = 'http://elsewhere';
    }).toThrow(TypeError);
  });

  it('is a fresh object on every load', () => {
    const a = loadConfig({ env: {}, path: empty, stdoutIsTty: false });
    const b = loadConfig({ env: { PORT: '1' }, path: empty, stdoutIsTty: false });
    expect([a.port, b.port]).toEqual([8099, 1]);
  });
});

describe('configSecrets', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['nothing secret by default', {}, []],
    [
      'the admin token and the gateway key',
      { ADMIN_TOKEN: 'admin-token-0123456789', AIGATEWAY_AUTH_VALUE: 'gw-key' },
      ['admin-token-0123456789', 'gw-key'],
    ],
    [
      'the metrics token',
      { METRICS_TOKEN: 'metrics-token-0123456789' },
      ['metrics-token-0123456789'],
    ],
    [
      'the database password, as written and decoded',
      { DATABASE_URL: 'postgresql://qm:p%40ss%2Fword@db:5432/qm' },
      ['p%40ss%2Fword', 'p@ss/word'],
    ],
    [
      'a password given as a query parameter',
      { DATABASE_URL: 'postgres://qm@db/qm?password=s3cret' },
      ['s3cret'],
    ],
    ['nothing for a SQLite file', { DATABASE_URL: 'file:/var/lib/qm/qm.db' }, []],
  ])('lists %s', (_case, env, expected) => {
    const config = loadConfig({ env, path: empty, stdoutIsTty: false });
    expect(configSecrets(config).sort()).toEqual([...expected].sort());
  });
});

describe('settings that would misbehave at run time are refused at start-up (issues 11, 12)', () => {
  const load = (env: Record<string, string>, yaml = '') =>
    loadConfig({ env, path: yamlFile(yaml), stdoutIsTty: false });

  // Node's timers hold at most 2^31-1 ms; a longer delay silently becomes 1 ms.
  it.each(SETTINGS.filter((s) => s.env.endsWith('_MS')).map((s) => [s.env, s]))(
    '%s = 2147483648 is a configuration error naming the setting',
    (env) => {
      const error = configError({ env: { [env]: '2147483648' }, path: empty, stdoutIsTty: false });
      expect(error.setting).toBe(env);
      expect(error.message).toMatch(
        new RegExp(`^${env} .*: must be an integer from \\d+ to 2147483647 \\(ms`),
      );
      expect(() => load({ [env]: '2147483647' })).not.toThrow(/from \d+ to 2147483647/);
    },
  );

  it.each<[string, Record<string, string>, string, string, RegExp]>([
    [
      'an admin key outside Latin-1 (issue 12 B)',
      { AIGATEWAY_AUTH_VALUE: 'ключ-доступа' },
      '',
      'AIGATEWAY_AUTH_VALUE',
      /^AIGATEWAY_AUTH_VALUE \(yaml: gateway\.auth_value\) from the environment: must be printable ASCII/,
    ],
    [
      'an admin key with a Latin-1 letter',
      { AIGATEWAY_AUTH_VALUE: 'clé' },
      '',
      'AIGATEWAY_AUTH_VALUE',
      /printable ASCII/,
    ],
    [
      'METRICS_TOKEN equal to ADMIN_TOKEN (issue 12 K)',
      { ADMIN_TOKEN: 'same-token-0123456789', METRICS_TOKEN: 'same-token-0123456789' },
      '',
      'METRICS_TOKEN',
      /^METRICS_TOKEN \(yaml: metrics_token\) from the environment: must differ from ADMIN_TOKEN/,
    ],
    [
      'an admin path with a query (issue 12 K)',
      {},
      'gateway:\n  admin_path: /quota?x=1',
      'AIGATEWAY_ADMIN_PATH',
      /AIGATEWAY_ADMIN_PATH .*: must be a path starting with \/ \(no spaces, \? or #\)/,
    ],
    [
      'an admin path with a fragment',
      { AIGATEWAY_ADMIN_PATH: '/quota#top' },
      '',
      'AIGATEWAY_ADMIN_PATH',
      /no spaces, \? or #/,
    ],
    [
      'an IPv4-looking HOST that is no address (issue 12 H)',
      { HOST: '256.1.1.1' },
      '',
      'HOST',
      /^HOST \(yaml: host\) = "256\.1\.1\.1" from the environment: must be a host name or IP address/,
    ],
    ['a HOST with an underscore', { HOST: 'bad_host' }, '', 'HOST', /must be a host name/],
    ['a HOST with a port', { HOST: 'localhost:8099' }, '', 'HOST', /must be a host name/],
    [
      'a scan lease shorter than three renewals (issue 11 §3)',
      { SCAN_LEASE_MS: '2999' },
      '',
      'SCAN_LEASE_MS',
      /^SCAN_LEASE_MS \(yaml: scan\.lease_ms\) = "2999" from the environment: must be an integer from 3000 to 2147483647 \(ms; the lease is renewed every third of its lifetime/,
    ],
    [
      'a database pool of 0 (issue 12 9)',
      { DATABASE_POOL_SIZE: '0' },
      '',
      'DATABASE_POOL_SIZE',
      /^DATABASE_POOL_SIZE \(yaml: database_pool_size\) = "0" from the environment: must be an integer from 1 to 1000$/,
    ],
  ])('%s', (_case, env, yaml, setting, message) => {
    const error = configError({ env, path: yamlFile(yaml), stdoutIsTty: false });
    expect(error.setting).toBe(setting);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  it.each(['127.0.0.1', '0.0.0.0', '::', '::1', 'localhost', 'quota-manager.internal', 'a1.b-2.c'])(
    'accepts HOST %s',
    (host) => {
      expect(load({ HOST: host }).host).toBe(host);
    },
  );

  it('accepts the shortest safe scan lease and a database pool size', () => {
    expect(load({ SCAN_LEASE_MS: '3000' }).scan.leaseMs).toBe(3000);
    expect(load({ DATABASE_POOL_SIZE: '25' }).databasePoolSize).toBe(25);
    expect(load({}, 'database_pool_size: 4').databasePoolSize).toBe(4);
  });
});

describe('user_source', () => {
  it('reads the query from @file and the section from YAML', () => {
    const query = join(dir, 'users.sql');
    writeFileSync(query, 'SELECT id FROM auth_users\n');
    const config = loadConfig({
      env: { USER_SOURCE_QUERY: `@${query}`, USER_SOURCE_MAX_DELETE_FRACTION: '0.25' },
      path: yamlFile('user_source:\n  url: postgres://r:s@db/auth\n  on_delete: DELETE\n'),
      stdoutIsTty: false,
    });
    expect(config.userSource).toMatchObject({
      url: 'postgres://r:s@db/auth',
      query: 'SELECT id FROM auth_users',
      onDelete: 'delete',
      maxDeleteFraction: 0.25,
      fullEvery: '24h',
    });
  });

  it.each<[string, Record<string, string>, string, RegExp]>([
    [
      'a URL without a query',
      { USER_SOURCE_URL: 'postgres://r@db/auth' },
      'USER_SOURCE_QUERY',
      /must be set when USER_SOURCE_URL is/,
    ],
    [
      'a query that is not a SELECT',
      { USER_SOURCE_QUERY: 'DELETE FROM users' },
      'USER_SOURCE_QUERY',
      /must be a SELECT/,
    ],
    [
      'a query file that does not exist',
      { USER_SOURCE_QUERY: '@/nonexistent/users.sql' },
      'USER_SOURCE_QUERY',
      /cannot read the query file \/nonexistent\/users\.sql \(ENOENT\)/,
    ],
    [
      'a fraction above 1',
      { USER_SOURCE_MAX_DELETE_FRACTION: '1.5' },
      'USER_SOURCE_MAX_DELETE_FRACTION',
      /must be a number from 0 to 1/,
    ],
    [
      'a duration without a unit',
      { USER_SOURCE_FULL_EVERY: '86400' },
      'USER_SOURCE_FULL_EVERY',
      /must be a duration with a unit/,
    ],
    [
      'an unknown on_delete',
      { USER_SOURCE_ON_DELETE: 'purge' },
      'USER_SOURCE_ON_DELETE',
      /must be one of keep, delete/,
    ],
  ])('refuses %s', (_case, env, setting, message) => {
    const error = configError({ env, path: empty, stdoutIsTty: false });
    expect(error.setting).toBe(setting);
    expect(error.message).toMatch(message);
  });

  it('keeps the source password out of error messages and lists it as a secret', () => {
    const error = configError({
      env: { USER_SOURCE_URL: 'mongodb://r:hunter2hunter2@db/auth' },
      path: empty,
      stdoutIsTty: false,
    });
    expect(error.setting).toBe('USER_SOURCE_URL');
    expect(error.message).not.toContain('hunter2');
    expect(
      configSecrets({
        ...loadConfig({ env: {}, path: empty, stdoutIsTty: false }),
        userSource: { url: 'postgres://r:hunter2hunter2@db/auth' },
      }),
    ).toContain('hunter2hunter2');
  });
});
