// Loads the daemon's configuration once at start-up: defaults < config.yaml < environment.
// This is the only module that reads process.env; everything else receives the frozen Config.
import { readFileSync } from 'node:fs';
import { isatty } from 'node:tty';
import { LineCounter, isMap, isScalar, parseDocument, type Node } from 'yaml';
import { ConfigError } from './config-error.ts';
import { createConfigSchema, type ParsedConfig } from './config-schema.ts';
import {
  CONFIG_PATH_ENV,
  SECTIONS,
  SETTINGS,
  settingByPath,
  sectionPath,
  settingByYamlKey,
  type Setting,
} from './settings.ts';

export { ConfigError } from './config-error.ts';
export { configSecrets } from './config-secrets.ts';

/** The validated configuration: derived from its schema, so the two cannot disagree. */
export type Config = ParsedConfig;

export interface LoadConfigOptions {
  /** Defaults to process.env. */
  env?: NodeJS.ProcessEnv;
  /** YAML file; defaults to $QM_CONFIG, else ./config.yaml (which may be absent). */
  path?: string;
  /** Picks the LOG_FORMAT default; defaults to whether process.stdout is a terminal. */
  stdoutIsTty?: boolean;
}

const DEFAULT_PATH = 'config.yaml';

/** A value someone set, and where ("from the environment", "at config.yaml:3:7"), for errors. */
interface Supplied {
  value: unknown;
  where: string;
}

export function loadConfig(options: LoadConfigOptions = {}): Readonly<Config> {
  const env = options.env ?? process.env;
  const named = options.path ?? nonEmpty(env[CONFIG_PATH_ENV]);
  const file = named ?? DEFAULT_PATH;
  // Only the implicit default may be missing; a file someone named must exist.
  const yaml = readYaml(file, named !== undefined);

  const input: Record<string, unknown> = Object.fromEntries(
    SECTIONS.map((section) => [sectionPath(section), {}]),
  );
  const supplied = new Map<string, Supplied>();
  for (const setting of SETTINGS) {
    const fromEnv = nonEmpty(env[setting.env]);
    const chosen =
      fromEnv !== undefined
        ? { value: fromEnv, where: 'from the environment' }
        : yaml.get(setting.path);
    if (chosen === undefined) continue;
    assign(input, setting.path, chosen.value);
    supplied.set(setting.path, chosen);
  }

  const schema = createConfigSchema({
    stdoutIsTty: options.stdoutIsTty ?? isatty(1),
  });
  const result = schema.safeParse(input);
  if (!result.success) {
    // One line about the first problem: the process stops, the operator fixes, restarts.
    const issue = result.error.issues[0]!;
    const path = issue.path.join('.');
    const setting = settingByPath.get(path);
    if (!setting) throw new ConfigError(path, `${path}: ${issue.message}`);
    throw new ConfigError(
      setting.env,
      invalidValueMessage(setting, supplied.get(path), issue.message),
    );
  }
  return deepFreeze(result.data);
}

/** An empty variable counts as unset, so `ADMIN_TOKEN=` in a .env file means "not configured". */
function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function invalidValueMessage(
  setting: Setting,
  supplied: Supplied | undefined,
  reason: string,
): string {
  const name = `${setting.env} (yaml: ${setting.yamlKey})`;
  // A default can only be at fault through another setting (the retry delay cap, for one).
  if (supplied === undefined) return `${name} left at its default: ${reason}`;
  const shown = setting.secret ? '' : ` = ${preview(supplied.value)}`;
  return `${name}${shown} ${supplied.where}: ${reason}`;
}

function preview(value: unknown): string {
  // JSON.stringify answers undefined for undefined, functions and symbols (its type says string).
  const json = JSON.stringify(value) as string | undefined;
  const text = json ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Reads the YAML file into a map from Config path to value and position. Returns an empty map
 * for a missing optional file. Unknown keys are errors: a typo must not fall back to a default.
 */
function readYaml(file: string, required: boolean): Map<string, Supplied> {
  const values = new Map<string, Supplied>();
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!required && code === 'ENOENT') return values;
    throw new ConfigError(
      CONFIG_PATH_ENV,
      `cannot read config file ${file} (${code ?? (error as Error).message}); set ${CONFIG_PATH_ENV} to an existing file`,
    );
  }

  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: true });
  const syntaxError = doc.errors[0];
  if (syntaxError) {
    const pos = syntaxError.linePos?.[0];
    // yaml appends " at line L, column C:" and a code excerpt; keep the one-line reason.
    const reason =
      syntaxError.code === 'MULTIPLE_DOCS'
        ? 'the file must hold a single YAML document (remove the --- separator)'
        : syntaxError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(
      CONFIG_PATH_ENV,
      `YAML syntax error at ${file}:${pos?.line ?? 1}:${pos?.col ?? 1}: ${reason}`,
    );
  }

  /** `file:line:column` of a node, 1-based like editors show it. */
  const location = (node: Node | null) => {
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    return `${file}:${line}:${col}`;
  };
  const collect = (map: Node | null, prefix: string): void => {
    // An empty file or an empty section (`gateway:`) just means "all defaults".
    if (map === null || (isScalar(map) && map.value === null)) return;
    if (!isMap(map)) {
      const section = prefix.slice(0, -1);
      const what = section === '' ? 'the file' : section;
      throw new ConfigError(
        section || CONFIG_PATH_ENV,
        `${what} at ${location(map)} must be a mapping of settings (key: value)`,
      );
    }
    for (const pair of map.items) {
      const keyNode = pair.key as Node | null;
      const key = `${prefix}${isScalar(keyNode) ? String(keyNode.value) : '?'}`;
      const valueNode = pair.value as Node | null;
      if (prefix === '' && (SECTIONS as readonly string[]).includes(key)) {
        collect(valueNode, `${key}.`);
        continue;
      }
      const setting = settingByYamlKey.get(key);
      if (!setting) {
        throw new ConfigError(
          key,
          `unknown key ${key} at ${location(keyNode)} (known keys${prefix === '' ? '' : ` in ${prefix.slice(0, -1)}`}: ${knownKeys(prefix).join(', ')})`,
        );
      }
      // `port:` or `port: ~` leaves the default in place, like an absent key.
      const value: unknown = valueNode === null ? null : valueNode.toJS(doc);
      if (value !== null) values.set(setting.path, { value, where: `at ${location(valueNode)}` });
    }
  };
  collect(doc.contents, '');
  return values;
}

function knownKeys(prefix: string): string[] {
  const keys = SETTINGS.filter((s) => s.yamlKey.startsWith(prefix)).map((s) =>
    s.yamlKey.slice(prefix.length),
  );
  // At the top level a section is listed once, not once per setting inside it.
  return [...new Set(keys.map((key) => key.split('.')[0]!))];
}

function assign(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  let node = target;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  node[last] = value;
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) deepFreeze(child);
  }
  return Object.freeze(value);
}
