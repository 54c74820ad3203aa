// The one root logger. Components take children of it (`logger.child({ component: 'scan' })`).
// Messages are constant strings; data goes in fields, which is what makes the JSON lines
// searchable and lets the redaction below see every value before it is written.
import type { WriteStream } from 'node:tty';
import winston from 'winston';
import type { Config } from './config/load-config.ts';

export interface LoggerOptions {
  level: Config['log']['level'];
  /** json: one JSON object per line (production); pretty: aligned, coloured lines for people. */
  format: Config['log']['format'];
  /** Values replaced by "[REDACTED]" wherever they appear (see configSecrets). */
  secrets?: readonly string[];
  /** Where lines go; process.stdout by default. Tests pass a stream they read back. */
  stream?: NodeJS.WritableStream;
  /** ANSI colours in pretty mode; by default only when the stream is a terminal. */
  colors?: boolean;
}

export const REDACTED = '[REDACTED]';

// triple-beam's key (shared through the symbol registry) for the line a transport writes.
const MESSAGE = Symbol.for('message');

export function createLogger(options: LoggerOptions): winston.Logger {
  const stream = options.stream ?? process.stdout;
  const colors = options.colors ?? (stream as Partial<WriteStream>).isTTY === true;
  return winston.createLogger({
    level: options.level,
    format: winston.format.combine(
      // Turns logger.error(err) into an entry with the error's message and stack.
      winston.format.errors({ stack: true }),
      sanitize(options.secrets ?? []),
      winston.format.timestamp(),
      options.format === 'json' ? jsonLine() : prettyLine(colors),
    ),
    // winston's typings declare its transports as interfaces with a construct signature, so the
    // rule cannot see that this is a real TransportStream subclass instance.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
    transports: [new winston.transports.Stream({ stream })],
  });
}

type Fields = Record<string, unknown>;

const LINE_KEYS = new Set(['timestamp', 'level', 'message']);

/** Fields other than the three every line has (symbol keys are winston's own, not fields). */
function fieldsOf(info: winston.Logform.TransformableInfo): Fields {
  return Object.fromEntries(Object.entries(info).filter(([key]) => !LINE_KEYS.has(key)));
}

/**
 * Makes every entry safe to print: secrets replaced in the message and in every string field at
 * any depth, Errors turned into plain objects (their message and stack are not enumerable and
 * would otherwise print as {}), cycles cut, bigints written as text. Copies what it changes, so
 * the caller's objects are never modified.
 */
/**
 * Replaces every secret in a text with "[REDACTED]". The logger uses it on every line; the
 * gateway client on its error messages, which also reach ledger rows and API answers.
 */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  // Longest first, so a secret that contains another is replaced whole.
  const ordered = [...new Set(secrets)].filter((s) => s !== '').sort((a, b) => b.length - a.length);
  return (text: string) => ordered.reduce((out, secret) => out.split(secret).join(REDACTED), text);
}

function sanitize(secrets: readonly string[]) {
  const redact = createRedactor(secrets);
  const seen = new WeakSet();
  const clean = (value: unknown): unknown => {
    if (typeof value === 'string') return redact(value);
    if (typeof value === 'bigint') return value.toString();
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value)) return '[Circular]';
    seen.add(value);
    try {
      if (value instanceof Error) return clean(errorFields(value));
      // Date, URL, Buffer…: what JSON would print, so a URL's password is redacted too.
      if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
        return clean((value as { toJSON(): unknown }).toJSON());
      if (Array.isArray(value)) return value.map(clean);
      return Object.fromEntries(Object.entries(value).map(([key, child]) => [key, clean(child)]));
    } finally {
      // Only ancestors count as cycles; the same object twice side by side is printed twice.
      seen.delete(value);
    }
  };
  return winston.format((info) => {
    // Top-level keys are reassigned in place: winston built this info object for this one call.
    // The level is ours, not data, and must stay intact for filtering and colouring.
    for (const key of Object.keys(info)) if (key !== 'level') info[key] = clean(info[key]);
    return info;
  })();
}

function errorFields(error: Error): Fields {
  const fields: Fields = { name: error.name, message: error.message, stack: error.stack };
  if (error.cause !== undefined) fields.cause = error.cause;
  // Own enumerable extras such as code, status or errno.
  return Object.assign(fields, error);
}

function jsonLine() {
  return winston.format((info) => {
    const { timestamp, level, message } = info;
    info[MESSAGE] = JSON.stringify({ timestamp, level, message, ...fieldsOf(info) });
    return info;
  })();
}

const ANSI: Record<string, string> = {
  error: '31',
  warn: '33',
  info: '32',
  http: '36',
  verbose: '36',
  debug: '34',
  silly: '35',
};

/** `2025-01-01T00:00:00.000Z info  message key=value key={"a":1}`, then any error stacks. */
function prettyLine(colors: boolean) {
  const paint = (code: string, text: string) => (colors ? `\u001b[${code}m${text}\u001b[0m` : text);
  return winston.format((info) => {
    // A logged Error's own stack (logger.error(err)) goes below the line, not into it.
    const { stack: ownStack, ...fields } = fieldsOf(info);
    const label = paint(ANSI[info.level] ?? '0', info.level.padEnd(5));
    const pairs = Object.entries(fields).map(
      ([key, value]) => `${paint('2', `${key}=`)}${prettyValue(value)}`,
    );
    const stacks = Object.values(fields).flatMap((value) => stackOf(value));
    if (typeof ownStack === 'string') stacks.unshift(ownStack);
    const head = [info.timestamp, label, String(info.message), ...pairs].join(' ');
    info[MESSAGE] = [head, ...stacks.map((stack) => indent(paint('2', stack)))].join('\n');
    return info;
  })();
}

function prettyValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  // An error prints as its message inline; its stack follows on its own lines.
  if (isErrorFields(value)) return JSON.stringify(`${value.name}: ${value.message}`);
  // JSON.stringify answers undefined for undefined, functions and symbols (its type says string).
  const json = JSON.stringify(value) as string | undefined;
  return json ?? String(value);
}

function stackOf(value: unknown): string[] {
  return isErrorFields(value) && typeof value.stack === 'string' ? [value.stack] : [];
}

function isErrorFields(
  value: unknown,
): value is { name: string; message: string; stack?: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    'stack' in value &&
    'message' in value &&
    'name' in value
  );
}

const indent = (text: string) => text.replace(/^/gm, '    ');
