// No Docker engine runs here, so docker-compose.yml, .env.example and the Dockerfile are checked
// statically: the compose file parses and references only defined services, volumes, files and
// variables, every service has a healthcheck, and the daemon's environment is accepted by
// loadConfig itself (so a renamed setting breaks this test, not a deployment).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { CONFIG_PATH_ENV, SETTINGS } from '../../src/config/settings.ts';

const root = resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(resolve(root, file), 'utf8');

interface Service {
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
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const compose = parse(read('docker-compose.yml')) as ComposeFile;
const services = compose.services;
const daemon = services['quota-manager']!;
const packageJson = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

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
      if (operator?.endsWith('-')) return set ? value! : arg!;
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
  it('defines the three services', () => {
    expect(Object.keys(services).sort()).toEqual(['mock-gateway', 'postgres', 'quota-manager']);
  });

  it('only depends on services it defines, with a valid condition', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [dependency, condition] of dependenciesOf(service)) {
        expect(Object.keys(services), `${name} depends on ${dependency}`).toContain(dependency);
        expect(['service_started', 'service_healthy', 'service_completed_successfully']).toContain(
          condition,
        );
      }
    }
  });

  it('starts the daemon once PostgreSQL is healthy and the mock has started', () => {
    expect(Object.fromEntries(dependenciesOf(daemon))).toEqual({
      postgres: 'service_healthy',
      'mock-gateway': 'service_started',
    });
  });

  it('has a healthcheck on every service: pg_isready for PostgreSQL, /healthz for the daemon', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.test, name).toBeDefined();
      expect(service.healthcheck?.disable, name).not.toBe(true);
    }
    expect(String(services.postgres!.healthcheck!.test)).toContain('pg_isready');
    expect(String(daemon.healthcheck!.test)).toContain('/healthz');
  });

  it('keeps PostgreSQL data in a declared named volume', () => {
    const volumes = services.postgres!.volumes ?? [];
    expect(volumes).toContain('postgres-data:/var/lib/postgresql/data');
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0]! : (volume.source ?? '');
        if (source.startsWith('.') || source.startsWith('/'))
          expect(existsSync(resolve(root, source)), source).toBe(true);
        else expect(Object.keys(compose.volumes ?? {}), source).toContain(source);
      }
    }
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
    expect(services['mock-gateway']!.build).toBeDefined();
    expect(daemon.build).toBeDefined();
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
    expect(envFilesOf(daemon)).toEqual(['.env']);
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

  it('gives the daemon only settings that loadConfig knows', () => {
    const known = new Set([...SETTINGS.map((s) => s.env), CONFIG_PATH_ENV]);
    for (const name of Object.keys(environmentOf(daemon))) expect(known, name).toContain(name);
    expect(Object.keys(environmentOf(daemon))).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'AIGATEWAY_URL', 'HOST']),
    );
  });

  it('lists in .env.example only settings or variables the compose file uses', () => {
    const known = new Set([...SETTINGS.map((s) => s.env), CONFIG_PATH_ENV]);
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

  it('gives the daemon an environment loadConfig accepts, pointing at the other services', () => {
    // What the container sees: .env (env_file) overlaid by `environment:`, both interpolated.
    const environment = Object.fromEntries(
      Object.entries(environmentOf(daemon)).map(([key, value]) => [
        key,
        interpolate(value, filledEnv),
      ]),
    );
    const env = { ...Object.fromEntries(filledEnv), ...environment };
    const config = loadConfig({ env, path: resolve(root, 'config.yaml'), stdoutIsTty: false });
    expect(new URL(config.databaseUrl).hostname).toBe('postgres');
    expect(new URL(config.databaseUrl).protocol).toBe('postgresql:');
    expect(new URL(config.gateway.url).hostname).toBe('mock-gateway');
    expect(new URL(config.gateway.url).port).toBe(
      environmentOf(services['mock-gateway']!).MOCK_GATEWAY_PORT,
    );
    expect(config.host).toBe('0.0.0.0');
    expect(config.gateway.authValue).toBe(filledEnv.get('AIGATEWAY_AUTH_VALUE'));
    // The published port and the healthcheck reach the port the daemon listens on.
    const published = (daemon.ports ?? []).map((port) => interpolate(String(port), filledEnv));
    expect(published.some((port) => port.endsWith(`:${config.port}`))).toBe(true);
    expect(String(daemon.healthcheck!.test)).toContain(`:${config.port}/healthz`);
  });

  it('refuses to start without the required secrets', () => {
    const withoutPassword = new Map([...filledEnv].filter(([key]) => key !== 'POSTGRES_PASSWORD'));
    expect(() => interpolate(environmentOf(daemon).DATABASE_URL!, withoutPassword)).toThrow(
      /POSTGRES_PASSWORD/,
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

  it('is multi-stage, ending on node:20-bookworm-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build[0]).toMatch(/^FROM\s+node:20\S*\s+AS\s+build$/i);
    expect(final[0]).toMatch(/^FROM\s+node:20-bookworm-slim$/i);
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
