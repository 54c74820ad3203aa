// No Docker engine runs here, so docker-compose.yml, .env.example and the Dockerfile are checked
// statically: the compose file parses (as Compose v2 and docker-compose 1.29 read it), each
// deployment (profile) references only defined services, volumes, files and variables, every
// service has a healthcheck, and each daemon's environment is accepted by loadConfig itself (so a
// renamed setting breaks this test, not a deployment).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { CONFIG_PATH_ENV, SETTINGS } from '../../src/config/settings.ts';

const root = resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(resolve(root, file), 'utf8');

interface Service {
  profiles?: string[];
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: string | string[] | Array<{ path: string }>;
  depends_on?: string[] | Record<string, { condition?: string }>;
  volumes?: Array<string | { type?: string; source?: string }>;
  ports?: Array<string | number>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
}
interface ComposeFile {
  name?: string;
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

// YAML merge keys (`<<: *anchor`) are YAML 1.1, which both compose implementations read.
const compose = parse(read('docker-compose.yml'), { merge: true }) as ComposeFile;
const services = compose.services;
const packageJson = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  packageManager?: string;
};

/** The deployments: the profile that selects each, and its daemon. */
const DEPLOYMENTS = [
  { profile: 'sqlite', daemon: 'quota-manager-sqlite' },
  { profile: 'postgres', daemon: 'quota-manager-postgres' },
  { profile: 'mariadb', daemon: 'quota-manager-mariadb' },
] as const;

/** What `docker compose --profile …` starts: the services of those profiles. */
function activeServices(profiles: readonly string[]): Record<string, Service> {
  return Object.fromEntries(
    Object.entries(services).filter(
      ([, service]) =>
        (service.profiles ?? []).length === 0 ||
        service.profiles!.some((profile) => profiles.includes(profile)),
    ),
  );
}

/** Every way the file is meant to be started: each deployment alone and with the mock. */
const COMBINATIONS = DEPLOYMENTS.flatMap(({ profile, daemon }) => [
  { profiles: [profile], daemon },
  { profiles: [profile, 'mock'], daemon },
]);

/** KEY=value lines of a dotenv file (comments and blank lines skipped). */
function dotenv(text: string): Map<string, string> {
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const eq = line.indexOf('=');
      return [line.slice(0, eq), line.slice(eq + 1)] as const;
    });
  return new Map(entries);
}
const envExample = dotenv(read('.env.example'));

// Compose interpolation: $$ is a literal $, then ${VAR}, ${VAR:-default}, ${VAR-default},
// ${VAR:?message}, ${VAR?message}, ${VAR:+alt}, ${VAR+alt} and bare $VAR.
const REFERENCE =
  /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

interface Reference {
  name: string;
  operator: string | undefined;
}

function referencesIn(text: string): Reference[] {
  return [...text.matchAll(REFERENCE)]
    .filter((match) => match[1] === undefined)
    .map((match) => ({ name: (match[2] ?? match[5])!, operator: match[3] }));
}

function interpolate(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(
    REFERENCE,
    (_all, dollar?: string, braced?: string, operator?: string, arg?: string, bare?: string) => {
      if (dollar) return '$';
      const value = vars.get((braced ?? bare)!);
      const set = value !== undefined && (value !== '' || !operator?.startsWith(':'));
      if (operator?.endsWith('-')) return set ? value : arg!;
      if (operator?.endsWith('+')) return set ? arg! : '';
      if (operator?.endsWith('?') && !set) throw new Error(`required variable ${braced}: ${arg}`);
      return value ?? '';
    },
  );
}

/** Every string in the parsed file (keys excluded), where compose performs interpolation. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

function environmentOf(service: Service): Record<string, string> {
  const env = service.environment ?? {};
  const pairs = Array.isArray(env)
    ? env.map((item) => [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)])
    : Object.entries(env).map(([key, value]) => [key, value === null ? '' : String(value)]);
  return Object.fromEntries(pairs);
}

function publishedPorts(service: Service): string[] {
  return (service.ports ?? []).map((port) => interpolate(String(port), filledEnv));
}

function dependenciesOf(service: Service): Array<[string, string]> {
  const deps = service.depends_on ?? [];
  return Array.isArray(deps)
    ? deps.map((name) => [name, 'service_started'])
    : Object.entries(deps).map(([name, spec]) => [name, spec.condition ?? 'service_started']);
}

function envFilesOf(service: Service): string[] {
  const files =
    service.env_file === undefined
      ? []
      : Array.isArray(service.env_file)
        ? service.env_file
        : [service.env_file];
  return files.map((file) => (typeof file === 'string' ? file : file.path));
}

/** The variables compose would substitute, as a user who filled in .env.example would have them. */
const filledEnv = new Map(
  [...envExample].map(([key, value]) => [
    key,
    value === '' && /PASSWORD|TOKEN|AUTH_VALUE/.test(key)
      ? `filled-in-${key.toLowerCase()}-0123456789`
      : value,
  ]),
);

describe('docker-compose.yml', () => {
  it('has no top-level `name` (docker-compose 1.29, still in Debian, rejects it)', () => {
    expect(compose.name).toBeUndefined();
    expect(Object.keys(compose).filter((key) => !key.startsWith('x-'))).toEqual([
      'services',
      'volumes',
    ]);
  });

  it('offers three deployments by profile, and the mock gateway as an addition to any', () => {
    const byProfile = (profile: string) => Object.keys(activeServices([profile])).sort();
    expect(byProfile('sqlite')).toEqual(['quota-manager-sqlite']);
    expect(byProfile('postgres')).toEqual(['postgres', 'quota-manager-postgres']);
    expect(byProfile('mariadb')).toEqual(['mariadb', 'quota-manager-mariadb']);
    expect(byProfile('mock')).toEqual(['mock-gateway']);
    // Every service belongs to a profile, so nothing starts that the chosen deployment lacks.
    for (const [name, service] of Object.entries(services))
      expect(service.profiles?.length, name).toBeGreaterThan(0);
  });

  it('lets .env.example choose a deployment that exists', () => {
    const chosen = envExample.get('COMPOSE_PROFILES')?.split(',') ?? [];
    expect(COMBINATIONS.map((c) => c.profiles.join(','))).toContain(chosen.join(','));
  });

  it('only depends on services of the same deployment, with a valid condition', () => {
    for (const { profiles } of COMBINATIONS) {
      const active = activeServices(profiles);
      for (const [name, service] of Object.entries(active)) {
        for (const [dependency, condition] of dependenciesOf(service)) {
          expect(
            Object.keys(active),
            `${name} depends on ${dependency} (${profiles.join(',')})`,
          ).toContain(dependency);
          expect([
            'service_started',
            'service_healthy',
            'service_completed_successfully',
          ]).toContain(condition);
        }
      }
    }
  });

  it('starts the PostgreSQL daemon once PostgreSQL is healthy; the light one depends on nothing', () => {
    expect(Object.fromEntries(dependenciesOf(services['quota-manager-postgres']!))).toEqual({
      postgres: 'service_healthy',
    });
    expect(Object.fromEntries(dependenciesOf(services['quota-manager-mariadb']!))).toEqual({
      mariadb: 'service_healthy',
    });
    expect(dependenciesOf(services['quota-manager-sqlite']!)).toEqual([]);
  });

  it('builds the image once per deployment: one build, one image name for every service running our code', () => {
    for (const { profiles, daemon } of COMBINATIONS) {
      const active = activeServices(profiles);
      const builders = Object.entries(active).filter(([, service]) => service.build !== undefined);
      expect(
        builders.map(([name]) => name),
        String(profiles),
      ).toEqual([daemon]);
      const image = active[daemon]!.image;
      expect(image, daemon).toBeDefined();
      // The mock runs the same image: by name, never by a second build.
      if (active['mock-gateway']) expect(active['mock-gateway'].image).toBe(image);
    }
  });

  it('has a healthcheck on every service: pg_isready for PostgreSQL, /healthz for the daemons', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.test, name).toBeDefined();
      expect(service.healthcheck?.disable, name).not.toBe(true);
    }
    expect(String(services.postgres!.healthcheck!.test)).toContain('pg_isready');
    expect(String(services.mariadb!.healthcheck!.test)).toContain('healthcheck.sh');
    for (const { daemon } of DEPLOYMENTS)
      expect(String(services[daemon]!.healthcheck!.test), daemon).toContain('/healthz');
  });

  it('keeps every database in a declared named volume', () => {
    expect(services.postgres!.volumes ?? []).toContain('postgres-data:/var/lib/postgresql/data');
    expect(services.mariadb!.volumes ?? []).toContain('mariadb-data:/var/lib/mysql');
    expect(services['quota-manager-sqlite']!.volumes ?? []).toContain(
      'quota-manager-data:/app/data',
    );
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '');
        if (source.startsWith('.') || source.startsWith('/'))
          expect(existsSync(resolve(root, source)), source).toBe(true);
        else expect(Object.keys(compose.volumes ?? {}), source).toContain(source);
      }
    }
  });

  it('publishes every port on loopback only (the admin API and an open /metrics stay on the host)', () => {
    const all = Object.entries(services).flatMap(([name, service]) =>
      publishedPorts(service).map((port) => [name, port] as const),
    );
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const [name, port] of all) expect(port, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });

  it('builds from contexts and Dockerfiles that exist', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build === undefined) {
        expect(service.image, `${name} needs an image or a build`).toBeDefined();
        continue;
      }
      const build = typeof service.build === 'string' ? { context: service.build } : service.build;
      const context = resolve(root, build.context ?? '.');
      expect(statSync(context).isDirectory(), name).toBe(true);
      expect(existsSync(resolve(context, build.dockerfile ?? 'Dockerfile')), name).toBe(true);
    }
  });

  it('reads env files that exist or are created from a committed .example', () => {
    for (const service of Object.values(services)) {
      for (const file of envFilesOf(service)) {
        // .env is git-ignored: what must exist in the repository is its template.
        expect(
          existsSync(resolve(root, file)) || existsSync(resolve(root, `${file}.example`)),
          file,
        ).toBe(true);
      }
    }
    for (const { daemon } of DEPLOYMENTS) expect(envFilesOf(services[daemon]!)).toEqual(['.env']);
  });

  it('uses only variables that .env.example provides or that have a default', () => {
    const references = stringsIn(compose).flatMap(referencesIn);
    expect(references.length).toBeGreaterThan(0);
    for (const { name, operator } of references) {
      const hasDefault =
        operator === '-' || operator === ':-' || operator === '+' || operator === ':+';
      expect(
        hasDefault || envExample.has(name),
        `\${${name}} is neither in .env.example nor defaulted`,
      ).toBe(true);
    }
  });

  it('runs commands that package.json defines', () => {
    expect(services['mock-gateway']!.command).toEqual(['npm', 'run', 'mock-gateway']);
    expect(packageJson.scripts['mock-gateway']).toBeDefined();
    expect(packageJson.scripts.start).toBeDefined();
  });

  it("makes the mock listen beyond loopback and accept the daemon's key", () => {
    const mock = environmentOf(services['mock-gateway']!);
    expect(mock.MOCK_GATEWAY_HOST).toBe('0.0.0.0');
    expect(mock.MOCK_GATEWAY_AUTH_VALUE).toMatch(/^\$\{AIGATEWAY_AUTH_VALUE[:?}]/);
  });

  it('gives the daemons only settings that loadConfig knows', () => {
    const known = new Set([...SETTINGS.map((s) => s.env), CONFIG_PATH_ENV]);
    for (const { daemon } of DEPLOYMENTS) {
      for (const name of Object.keys(environmentOf(services[daemon]!)))
        expect(known, `${daemon}: ${name}`).toContain(name);
      expect(Object.keys(environmentOf(services[daemon]!))).toEqual(
        expect.arrayContaining(['DATABASE_URL', 'AIGATEWAY_URL', 'HOST']),
      );
    }
  });

  it('lists in .env.example only settings or variables the compose file uses', () => {
    // COMPOSE_PROFILES is read by compose itself.
    const known = new Set([...SETTINGS.map((s) => s.env), CONFIG_PATH_ENV, 'COMPOSE_PROFILES']);
    const used = new Set(
      stringsIn(compose)
        .flatMap(referencesIn)
        .map((ref) => ref.name),
    );
    for (const name of envExample.keys())
      expect(known.has(name) || used.has(name), `${name} in .env.example is used nowhere`).toBe(
        true,
      );
  });

  it('commits .env.example without secrets, and never .env itself', () => {
    for (const [name, value] of envExample) {
      if (/PASSWORD|TOKEN|AUTH_VALUE|SECRET|KEY/.test(name)) expect(value, name).toBe('');
    }
    expect(
      read('.gitignore')
        .split('\n')
        .map((line) => line.trim()),
    ).toContain('.env');
  });

  /** What a daemon's container sees: .env (env_file) overlaid by `environment:`, interpolated. */
  function daemonConfig(daemon: string, vars: ReadonlyMap<string, string> = filledEnv) {
    const environment = Object.fromEntries(
      Object.entries(environmentOf(services[daemon]!)).map(([key, value]) => [
        key,
        interpolate(value, vars),
      ]),
    );
    const env = { ...Object.fromEntries(vars), ...environment };
    return loadConfig({ env, path: resolve(root, 'config.yaml'), stdoutIsTty: false });
  }

  it.each(DEPLOYMENTS)(
    'gives the $profile daemon an environment loadConfig accepts, reachable where it is published',
    ({ daemon }) => {
      const config = daemonConfig(daemon);
      expect(config.host).toBe('0.0.0.0');
      expect(config.gateway.authValue).toBe(filledEnv.get('AIGATEWAY_AUTH_VALUE'));
      // With AIGATEWAY_URL left empty, the daemon talks to the bundled mock.
      expect(new URL(config.gateway.url).hostname).toBe('mock-gateway');
      expect(new URL(config.gateway.url).port).toBe(
        environmentOf(services['mock-gateway']!).MOCK_GATEWAY_PORT,
      );
      // The published port and the healthcheck reach the port the daemon listens on.
      const published = publishedPorts(services[daemon]!);
      expect(published.some((port) => port.endsWith(`:${config.port}`))).toBe(true);
      expect(String(services[daemon]!.healthcheck!.test)).toContain(`:${config.port}/healthz`);
      // A real gateway, when .env names one, replaces the mock.
      const real = new Map([...filledEnv, ['AIGATEWAY_URL', 'https://gateway.internal:8443']]);
      expect(daemonConfig(daemon, real).gateway.url).toBe('https://gateway.internal:8443');
    },
  );

  it('puts the light daemon on SQLite inside its volume', () => {
    const config = daemonConfig('quota-manager-sqlite');
    expect(config.databaseUrl).toMatch(/^file:\/app\/data\/[^/]+\.db$/);
    const mount = services['quota-manager-sqlite']!.volumes!.map(String).find((v) =>
      v.endsWith(':/app/data'),
    );
    expect(mount).toBeDefined();
  });

  it('points the PostgreSQL daemon at the postgres service with its credentials', () => {
    const config = daemonConfig('quota-manager-postgres');
    const url = new URL(config.databaseUrl);
    expect(url.protocol).toBe('postgresql:');
    expect(url.hostname).toBe('postgres');
    expect(url.password).toBe(filledEnv.get('POSTGRES_PASSWORD'));
    expect(interpolate(environmentOf(services.postgres!).POSTGRES_PASSWORD!, filledEnv)).toBe(
      filledEnv.get('POSTGRES_PASSWORD'),
    );
  });

  it('points the MariaDB daemon at the mariadb service with its credentials', () => {
    const config = daemonConfig('quota-manager-mariadb');
    const url = new URL(config.databaseUrl);
    expect(url.protocol).toBe('mysql:');
    expect(url.hostname).toBe('mariadb');
    expect(url.password).toBe(filledEnv.get('MARIADB_PASSWORD'));
    expect(url.username).toBe(
      interpolate(environmentOf(services.mariadb!).MARIADB_USER!, filledEnv),
    );
    expect(url.pathname).toBe(
      `/${interpolate(environmentOf(services.mariadb!).MARIADB_DATABASE!, filledEnv)}`,
    );
    expect(interpolate(environmentOf(services.mariadb!).MARIADB_PASSWORD!, filledEnv)).toBe(
      filledEnv.get('MARIADB_PASSWORD'),
    );
  });

  it('starts the light deployment without any PostgreSQL setting', () => {
    // Compose substitutes variables in the whole file, whatever the profile: a required
    // PostgreSQL variable would stop the SQLite deployment too.
    const light = new Map(
      [...filledEnv].filter(([key]) => !key.startsWith('POSTGRES_') && !key.startsWith('MARIADB_')),
    );
    expect(() => stringsIn(compose).map((text) => interpolate(text, light))).not.toThrow();
    expect(new URL(daemonConfig('quota-manager-sqlite', light).databaseUrl).protocol).toBe('file:');
    // The PostgreSQL password has no default: the postgres image refuses to start without one.
    expect(environmentOf(services.postgres!).POSTGRES_PASSWORD).toBe('${POSTGRES_PASSWORD}');
    expect(environmentOf(services.mariadb!).MARIADB_PASSWORD).toBe('${MARIADB_PASSWORD}');
  });

  it('refuses to start without the gateway key, which every deployment needs', () => {
    const withoutKey = new Map([...filledEnv].filter(([key]) => key !== 'AIGATEWAY_AUTH_VALUE'));
    expect(() => stringsIn(compose).map((text) => interpolate(text, withoutKey))).toThrow(
      /AIGATEWAY_AUTH_VALUE/,
    );
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  // Instructions with continuation lines joined, comments dropped.
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stageStarts = instructions.flatMap((line, index) => (/^FROM\s/i.test(line) ? [index] : []));
  const stages = stageStarts.map((start, i) => instructions.slice(start, stageStarts[i + 1]));
  const build = stages[0]!;
  const final = stages.at(-1)!;

  it('is multi-stage on Node 24, the current LTS, ending on node:24-bookworm-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build[0]).toMatch(/^FROM\s+node:24\S*\s+AS\s+build$/i);
    expect(final[0]).toMatch(/^FROM\s+node:24-bookworm-slim$/i);
  });

  it("installs with the lockfile's npm (11, which honours allowScripts), pinned", () => {
    const pinned = packageJson.packageManager?.match(/^npm@(\d+\.\d+\.\d+)$/)?.[1];
    expect(pinned, 'package.json packageManager names an exact npm').toMatch(/^11\./);
    const npmCi = build.findIndex((line) => /^RUN .*npm ci\b/.test(line));
    const install = build.findIndex((line) =>
      new RegExp(`^RUN npm (i|install) -g npm@${pinned!.replaceAll('.', '\\.')}(\\s|$)`).test(line),
    );
    expect(install, `RUN npm install -g npm@${pinned}`).toBeGreaterThan(0);
    expect(install).toBeLessThan(npmCi);
    expect(Object.keys(JSON.parse(read('package.json')).allowScripts ?? {})).toContain(
      '@prisma/engines',
    );
  });

  it('compiles native modules in the build stage only', () => {
    const buildText = build.join('\n');
    for (const tool of ['python3', 'make', 'g++']) expect(buildText).toContain(tool);
    const finalText = final.join('\n');
    expect(finalText).not.toMatch(/apt-get|python3|g\+\+|build-essential/);
    expect(finalText).toMatch(/COPY --from=build /);
  });

  it('copies what the postinstall hook (prisma generate) needs before npm ci', () => {
    const npmCi = build.findIndex((line) => /^RUN .*npm ci\b/.test(line));
    expect(npmCi).toBeGreaterThan(0);
    const copiedBefore = build
      .slice(0, npmCi)
      .filter((line) => /^COPY\s/.test(line))
      .flatMap((line) => line.split(/\s+/).slice(1, -1));
    for (const needed of [
      'package.json',
      'package-lock.json',
      'prisma.config.ts',
      'prisma',
      'scripts',
      'src/db',
    ]) {
      expect(copiedBefore, needed).toContain(needed);
    }
    expect(packageJson.scripts.postinstall).toContain('scripts/db-generate.ts');
  });

  it('copies only files that exist', () => {
    for (const line of instructions.filter((l) => /^COPY\s/.test(l) && !l.includes('--from='))) {
      const sources = line
        .split(/\s+/)
        .slice(1, -1)
        .filter((part) => !part.startsWith('--'));
      for (const source of sources)
        if (source !== '.') expect(existsSync(resolve(root, source)), source).toBe(true);
    }
  });

  it('runs as a non-root user with a /healthz healthcheck and npm start', () => {
    const user = final.filter((line) => /^USER\s/.test(line)).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^USER\s+(root|0)(:|$)/);
    expect(final.find((line) => line.startsWith('HEALTHCHECK'))).toMatch(
      /CMD \["node", .*\/healthz/,
    );
    expect(final.at(-1)).toBe('CMD ["npm", "start"]');
  });

  it('keeps host artefacts and secrets out of the build context', () => {
    const ignored = read('.dockerignore')
      .split('\n')
      .map((line) => line.trim());
    for (const entry of ['node_modules', 'src/db/generated', 'data', '.env', '.git'])
      expect(ignored, entry).toContain(entry);
  });
});
