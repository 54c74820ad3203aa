// Round trips per strategy write over the API (issue 28, lever 4), counted where they leave the
// process: the statements the database drivers send (pg's Client#query; the MariaDB
// connector's query and prepare-and-execute, which it sends as one packet train). On PostgreSQL
// a write is one statement (db/strategy-change-sql.ts), after the read a change needs for the
// core to decide on (the current row); MySQL keeps an interactive transaction (it has no
// data-modifying CTEs), counted here so a change to it is seen.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mysqlConnectionConfig } from '../../src/db/driver.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';

type Method = (...args: unknown[]) => unknown;

// The connector's internal connection class, where every statement passes. Its package exports
// only the public API, so the module is imported by path: the same file, hence the same class,
// as the one the Prisma adapter's pool instantiates.
const { default: MariaDbConnection } = (await import(
  new URL('../../node_modules/mariadb/lib/connection.js', import.meta.url).href
)) as { default: { prototype: object } };

/** The SQL text of each statement the driver of `kind` sends while `call` runs. */
async function statementsDuring(kind: 'postgresql' | 'mysql', call: () => Promise<unknown>) {
  const sent: string[] = [];
  // The connector's typings describe its promise API, not this internal class.
  const prototype = (
    kind === 'postgresql' ? pg.Client.prototype : MariaDbConnection.prototype
  ) as Record<string, Method>;
  const names = kind === 'postgresql' ? ['query'] : ['query', 'prepareExecute'];
  const originals = names.map((name) => [name, prototype[name]!] as const);
  for (const [name, original] of originals)
    prototype[name] = function (this: unknown, ...args: unknown[]) {
      const [first] = args as [string | { text?: string; sql?: string }];
      sent.push(typeof first === 'string' ? first : (first.text ?? first.sql ?? '?'));
      return original.apply(this, args);
    };
  try {
    await call();
  } finally {
    for (const [name, original] of originals) prototype[name] = original;
  }
  // The MySQL pool may open a connection meanwhile (it keeps some idle): its set-up is not the write's.
  return sent.filter((sql) => sql !== mysqlConnectionConfig('mysql://h/d').initSql);
}

const strategy = (name: string) => ({
  name,
  title: 'Round trips',
  type: 'single',
  amount: 5,
  condition: 'is-vip(2)',
  enabled: false,
});

// Statements per request: the API's own reads come first (a change reads the current row).
const EXPECTED = {
  postgresql: { create: 1, patch: 2, patchIfMatch: 2, enable: 2, disable: 3, delete: 1 },
  mysql: { create: 7, patch: 8, patchIfMatch: 8, enable: 8, disable: 9, delete: 9 },
} as const;

describe.each(['postgresql', 'mysql'] as const)('round trips per strategy write on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
    // One endpoint subscribed to every strategy event, so the fan-out inserts a delivery.
    const endpoint = await h.call('POST', '/api/v1/webhooks', {
      url: 'https://hooks.example.com/qm',
      event_types: ['strategy.created', 'strategy.updated', 'strategy.enabled'],
    });
    expect(endpoint.status).toBe(201);
  });
  afterAll(() => h.destroy());

  const count = async (status: number, request: () => ReturnType<Harness['call']>) => {
    let answer: Awaited<ReturnType<Harness['call']>> | undefined;
    const sent = await statementsDuring(kind, async () => (answer = await request()));
    expect(answer!.status, JSON.stringify(answer!.body)).toBe(status);
    return { sent, answer: answer! };
  };

  it('a create, a change, an enable, a disable and a delete each cost the expected statements', async () => {
    const expected = EXPECTED[kind];
    const created = await count(201, () =>
      h.call('POST', '/api/v1/strategies', strategy(`rt-${kind}`)),
    );
    expect(created.sent, created.sent.join('\n')).toHaveLength(expected.create);
    const id = (created.answer.body as { id: number }).id;

    const patched = await count(200, () =>
      h.call('PATCH', `/api/v1/strategies/${id}`, { amount: 6 }),
    );
    expect(patched.sent, patched.sent.join('\n')).toHaveLength(expected.patch);

    const tag = patched.answer.headers.get('etag')!;
    const conditional = await count(200, () =>
      h.call(
        'PATCH',
        `/api/v1/strategies/${id}`,
        { title: 'Tagged' },
        { headers: { 'If-Match': tag } },
      ),
    );
    expect(conditional.sent, conditional.sent.join('\n')).toHaveLength(expected.patchIfMatch);

    const enabled = await count(200, () => h.call('POST', `/api/v1/strategies/${id}/enable`));
    expect(enabled.sent, enabled.sent.join('\n')).toHaveLength(expected.enable);
    const disabled = await count(200, () => h.call('POST', `/api/v1/strategies/${id}/disable`));
    expect(disabled.sent, disabled.sent.join('\n')).toHaveLength(expected.disable);

    const deleted = await count(204, () => h.call('DELETE', `/api/v1/strategies/${id}`));
    expect(deleted.sent, deleted.sent.join('\n')).toHaveLength(expected.delete);
  });

  it('a refused write costs no more than the successful one and writes nothing', async () => {
    const name = `rt-dup-${kind}`;
    await count(201, () => h.call('POST', '/api/v1/strategies', strategy(name)));
    const duplicate = await count(409, () => h.call('POST', '/api/v1/strategies', strategy(name)));
    expect(duplicate.sent.length).toBeLessThanOrEqual(EXPECTED[kind].create);
  });
});
