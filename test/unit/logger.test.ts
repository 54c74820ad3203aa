// The root logger: JSON line shape, pretty lines, secret redaction everywhere, level filtering.
// Each test captures what the logger writes through the `stream` option.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, REDACTED, type LoggerOptions } from '../../src/logger.ts';

/** A logger whose output lands in `lines` (winston writes synchronously to the stream). */
function capture(options: Omit<LoggerOptions, 'stream'>) {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ ...options, stream });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '');
  const json = () => lines().map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, json };
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
// ANSI colour sequences start with the ESC control character, which is what this matches.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

describe('JSON format', () => {
  it('writes one object per line: timestamp, level, message, then the fields', () => {
    const { logger, lines, json } = capture({ level: 'info', format: 'json' });
    logger.info('scan finished', {
      strategies: 3,
      granted: 12,
      duration_ms: 41,
      tags: ['a'],
      run: { id: 'r1' },
    });
    expect(lines()).toHaveLength(1);
    const [entry] = json();
    expect(Object.keys(entry!).slice(0, 3)).toEqual(['timestamp', 'level', 'message']);
    expect(entry!.timestamp).toMatch(ISO);
    expect(entry).toEqual({
      timestamp: entry!.timestamp,
      level: 'info',
      message: 'scan finished',
      strategies: 3,
      granted: 12,
      duration_ms: 41,
      tags: ['a'],
      run: { id: 'r1' },
    });
  });

  it("carries a child logger's fields on every line", () => {
    const { logger, json } = capture({ level: 'info', format: 'json' });
    logger.child({ component: 'scheduler' }).info('tick started', { tick: 7 });
    expect(json()[0]).toMatchObject({ component: 'scheduler', message: 'tick started', tick: 7 });
  });

  it.each<[string, unknown, unknown]>([
    [
      'an Error as its name, message, stack and extra properties',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      {
        name: 'Error',
        message: 'connect ECONNREFUSED',
        code: 'ECONNREFUSED',
        stack: expect.stringContaining('connect ECONNREFUSED'),
      },
    ],
    ['a bigint as text', 12345678901234567890n, '12345678901234567890'],
    ['a Date as ISO text', new Date(Date.UTC(2025, 0, 2, 3, 4, 5)), '2025-01-02T03:04:05.000Z'],
    ['undefined by leaving it out', undefined, undefined],
  ])('serialises %s', (_case, value, expected) => {
    const { logger, json } = capture({ level: 'info', format: 'json' });
    logger.info('value logged', { value });
    expect(json()[0]!.value).toEqual(expected);
  });

  it('cuts cycles instead of failing', () => {
    const { logger, json } = capture({ level: 'info', format: 'json' });
    const node: Record<string, unknown> = { id: 1 };
    node.self = node;
    const shared = { id: 2 };
    logger.info('graph logged', { node, pair: [shared, shared] });
    expect(json()[0]).toMatchObject({
      node: { id: 1, self: '[Circular]' },
      pair: [{ id: 2 }, { id: 2 }],
    });
  });

  it('writes logger.error(err) with the error message and stack', () => {
    const { logger, json } = capture({ level: 'info', format: 'json' });
    logger.error(new Error('boom'));
    expect(json()[0]).toMatchObject({
      level: 'error',
      message: 'boom',
      stack: expect.stringMatching(/^Error: boom\n/),
    });
  });
});

describe('pretty format', () => {
  it('writes a readable line: time, level, message, key=value fields', () => {
    const { logger, lines } = capture({ level: 'info', format: 'pretty', colors: false });
    logger.info('listening', {
      host: '0.0.0.0',
      port: 8099,
      note: 'two words',
      opts: { tls: false },
    });
    expect(lines()).toHaveLength(1);
    expect(lines()[0]).toMatch(
      /^\d{4}-\d{2}-\d{2}T\S+Z info {2}listening host=0\.0\.0\.0 port=8099 note="two words" opts=\{"tls":false\}$/,
    );
  });

  it('colours the level for a terminal', () => {
    const { logger, lines } = capture({ level: 'info', format: 'pretty', colors: true });
    logger.warn('gateway slow');
    logger.error('gateway down');
    const [warn, error] = lines();
    expect(warn).toContain('\u001b[33mwarn \u001b[0m');
    expect(error).toContain('\u001b[31merror\u001b[0m');
    expect(warn!.replace(ANSI, '')).toMatch(/ warn {2}gateway slow$/);
  });

  it('has no colours when the stream is not a terminal', () => {
    const { logger, lines } = capture({ level: 'info', format: 'pretty' });
    logger.info('plain');
    expect(lines()[0]).not.toMatch(ANSI);
  });

  it('prints an error field inline and its stack indented below', () => {
    const { logger, lines } = capture({ level: 'info', format: 'pretty', colors: false });
    logger.error('grant failed', { user_id: 'u1', err: new Error('503 from gateway') });
    const [head, ...rest] = lines();
    expect(head).toMatch(/ error grant failed user_id=u1 err="Error: 503 from gateway"$/);
    expect(rest[0]).toBe('    Error: 503 from gateway');
    expect(rest.slice(1).every((line) => line.startsWith('        at '))).toBe(true);
  });
});

describe('secret redaction', () => {
  // As configSecrets lists them: the database password both percent-encoded and decoded.
  const secrets = ['admin-token-0123456789', 'gw-key-42', 'p%40ss%2Fword', 'p@ss/word'];

  it.each(['json', 'pretty'] as const)(
    'blanks secrets in the message and in every string field, however deep (%s)',
    (format) => {
      const { logger, lines } = capture({ level: 'debug', format, secrets, colors: false });
      logger.warn('token admin-token-0123456789 refused', {
        header: 'x-admin-key: gw-key-42',
        request: {
          headers: { authorization: 'Bearer admin-token-0123456789' },
          attempts: [{ error: 'key gw-key-42 rejected' }],
        },
        url: new URL('postgresql://qm:p%40ss%2Fword@db/qm'),
        dsn: 'postgresql://qm:p@ss/word@db/qm',
        err: new Error('auth failed for gw-key-42'),
        count: 3,
      });
      const output = lines().join('\n');
      for (const secret of secrets) expect(output).not.toContain(secret);
      expect(output).toContain(`token ${REDACTED} refused`);
      expect(output).toContain(`Bearer ${REDACTED}`);
      expect(output).toContain(`key ${REDACTED} rejected`);
      expect(output).toContain(`postgresql://qm:${REDACTED}@db/qm`);
    },
  );

  it('keeps the structure and the non-secret values', () => {
    const { logger, json } = capture({ level: 'info', format: 'json', secrets });
    logger.info('request logged', {
      request: { headers: { authorization: 'Bearer admin-token-0123456789', accept: 'json' } },
      list: ['gw-key-42', 'ok'],
      n: 1,
    });
    expect(json()[0]).toMatchObject({
      message: 'request logged',
      request: { headers: { authorization: `Bearer ${REDACTED}`, accept: 'json' } },
      list: [REDACTED, 'ok'],
      n: 1,
    });
  });

  it('replaces a secret that contains another one whole', () => {
    const { logger, json } = capture({
      level: 'info',
      format: 'json',
      secrets: ['abc', 'xxabcxx'],
    });
    logger.info('nested secrets', { value: 'xxabcxx and abc' });
    expect(json()[0]!.value).toBe(`${REDACTED} and ${REDACTED}`);
  });

  it('redacts fields of child loggers', () => {
    const { logger, json } = capture({ level: 'info', format: 'json', secrets });
    logger.child({ dsn: 'postgres://qm:p@ss/word@db' }).info('connected');
    expect(json()[0]!.dsn).toBe(`postgres://qm:${REDACTED}@db`);
  });

  it('does not modify the objects it was given', () => {
    const { logger } = capture({ level: 'info', format: 'json', secrets });
    const fields = { request: { token: 'admin-token-0123456789' } };
    logger.info('request logged', fields);
    expect(fields.request.token).toBe('admin-token-0123456789');
  });

  it('ignores empty secrets', () => {
    const { logger, json } = capture({ level: 'info', format: 'json', secrets: [''] });
    logger.info('nothing secret', { value: 'text' });
    expect(json()[0]).toMatchObject({ message: 'nothing secret', value: 'text' });
  });
});

describe('level filtering', () => {
  it.each<[LoggerOptions['level'], string[]]>([
    ['error', ['error']],
    ['warn', ['error', 'warn']],
    ['info', ['error', 'warn', 'info']],
    ['debug', ['error', 'warn', 'info', 'debug']],
  ])('at %s writes %j', (level, expected) => {
    const { logger, json } = capture({ level, format: 'json' });
    logger.error('e');
    logger.warn('w');
    logger.info('i');
    logger.debug('d');
    expect(json().map((entry) => entry.level)).toEqual(expected);
  });
});
