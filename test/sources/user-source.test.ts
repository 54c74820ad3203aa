// The user sync end to end: throwaway PostgreSQL and MariaDB databases holding Casdoor's `user`,
// Keycloak's `user_entity` + `user_attribute` and the original quota-manager's `auth_users`
// (their real column names and types), read through a role that may only SELECT, with the
// recipe queries taken verbatim from docs/user-sources.md; the daemon on each of our databases.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseKind } from '../../src/config/database-url.ts';
import { createReservedLease, RESERVED_LEASE_KEYS } from '../../src/db/reserved-lease.ts';
import { createSqlUserSource } from '../../src/sources/sql-user-source.ts';
import { createHarness, type Harness, type JsonBody } from '../support/app-harness.ts';
import {
  createSourceDatabase,
  type SourceDatabase,
  type SourceKind,
} from '../support/source-databases.ts';

const docs = readFileSync(resolve(import.meta.dirname, '../../docs/user-sources.md'), 'utf8');
/** The ```sql blocks of the docs that start with `-- recipe: <name>`, by name. */
const RECIPES = new Map(
  [...docs.matchAll(/```sql\n-- recipe: ([\w-]+)\n([\s\S]*?)```/g)].map((m) => [m[1]!, m[2]!]),
);

const CASDOOR: Record<SourceKind, string> = {
  postgresql: `CREATE TABLE "user" (
    owner varchar(100) NOT NULL, name varchar(255) NOT NULL,
    created_time varchar(100), updated_time varchar(100), deleted_time varchar(100),
    id varchar(100), type varchar(100), display_name varchar(100), email varchar(100),
    email_verified boolean, phone varchar(100), is_admin boolean, is_forbidden boolean,
    is_deleted boolean, last_signin_time varchar(100), github varchar(100),
    PRIMARY KEY (owner, name))`,
  mysql: `CREATE TABLE \`user\` (
    owner varchar(100) NOT NULL, name varchar(255) NOT NULL,
    created_time varchar(100), updated_time varchar(100), deleted_time varchar(100),
    id varchar(100), type varchar(100), display_name varchar(100), email varchar(100),
    email_verified tinyint(1), phone varchar(100), is_admin tinyint(1), is_forbidden tinyint(1),
    is_deleted tinyint(1), last_signin_time varchar(100), github varchar(100),
    PRIMARY KEY (owner, name))`,
};

const casdoorTable = (kind: SourceKind) => (kind === 'postgresql' ? '"user"' : '`user`');
const param = (kind: SourceKind, n: number) => (kind === 'postgresql' ? `$${n}` : '?');

async function addCasdoorUser(
  source: SourceDatabase,
  user: { id: string; name: string; created: string },
): Promise<void> {
  const p = (n: number) => param(source.kind, n);
  await source.exec(
    `INSERT INTO ${casdoorTable(source.kind)} (owner, name, id, display_name, email, phone, created_time, updated_time, is_deleted, last_signin_time)
     VALUES ('zgsm', ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, '', ${p(5)}, '', false, '')`,
    [user.name, user.id, user.name.toUpperCase(), `${user.name}@example.org`, user.created],
  );
}

async function syncAndWait(h: Harness, body: unknown = {}): Promise<Record<string, JsonBody>> {
  const started = await h.call('POST', '/api/v1/sources/users/sync', body);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  for (let attempt = 0; attempt < 200; attempt++) {
    const { body: list } = await h.call('GET', '/api/v1/sources');
    const source = list.items[0];
    if (source.running === false && source.last_run !== null) return source;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the sync did not finish');
}

const CASES: [SourceKind, DatabaseKind, 'keep' | 'delete'][] = [
  ['postgresql', 'sqlite', 'keep'],
  ['postgresql', 'postgresql', 'delete'],
  ['mysql', 'mysql', 'keep'],
  ['mysql', 'sqlite', 'delete'],
];

describe.each(CASES)('Casdoor on %s, daemon on %s, on_delete=%s', (kind, daemon, onDelete) => {
  let source: SourceDatabase;
  let h: Harness;
  beforeAll(async () => {
    source = await createSourceDatabase(kind, [CASDOOR[kind]]);
    h = await createHarness(daemon, {
      userSource: {
        url: source.readerUrl,
        query: RECIPES.get(`casdoor-${kind}`),
        cursor: 'changed_at',
        onDelete,
        maxDeleteFraction: 0.5,
      },
    });
  });
  afterAll(async () => {
    await h.destroy();
    await source.drop();
  });

  it('a new row appears, an edited row moves, a deleted row is kept or deleted, 0 rows delete nobody', async () => {
    const ids = ['c-ann', 'c-bob', 'c-cid'];
    for (const [i, id] of ids.entries())
      await addCasdoorUser(source, {
        id,
        name: id.slice(2),
        created: `2025-06-01T08:0${i}:00+08:00`,
      });

    // New rows appear in GET /api/v1/users.
    const first = await syncAndWait(h);
    expect(first.last_run).toMatchObject({ full: true, rows_read: 3, upserted: 3, error: null });
    const ann = await h.call('GET', '/api/v1/users/c-ann');
    expect(ann.status).toBe(200);
    expect(ann.body).toMatchObject({
      name: 'ANN',
      email: 'ann@example.org',
      phone: null,
      org: 'zgsm',
      register_time: '2025-06-01T00:00:00.000Z',
    });
    expect(first.cursor).toEqual({ kind: 'text', value: '2025-06-01T08:02:00+08:00' });

    // An edited row moves: an incremental run reads it (its updated_time is past the cursor)
    // and, by the `>=` of the overlap rule, the row at the stored cursor again; nothing else.
    await source.exec(
      `UPDATE ${casdoorTable(kind)} SET display_name = 'Ann Lee', updated_time = '2025-06-01T09:00:00+08:00' WHERE id = 'c-ann'`,
    );
    const second = await syncAndWait(h);
    expect(second.last_run).toMatchObject({ full: false, rows_read: 2, upserted: 2 });
    const edited = await h.call('GET', '/api/v1/users/c-ann');
    expect(edited.body.name).toBe('Ann Lee');

    // A deleted row: kept or deleted, per USER_SOURCE_ON_DELETE (1 of 3 is within 0.5).
    await source.exec(`UPDATE ${casdoorTable(kind)} SET is_deleted = true WHERE id = 'c-bob'`);
    const third = await syncAndWait(h, { full: true });
    expect(third.last_run).toMatchObject({
      full: true,
      vanished: 1,
      vanished_ids: ['c-bob'],
      deleted: onDelete === 'delete' ? 1 : 0,
      deletes_refused: null,
    });
    expect((await h.call('GET', '/api/v1/users/c-bob')).status).toBe(
      onDelete === 'delete' ? 404 : 200,
    );

    // The query suddenly answers 0 rows: nobody is deleted, and the status says why.
    await source.exec(`UPDATE ${casdoorTable(kind)} SET is_deleted = true`);
    const fourth = await syncAndWait(h, { full: true });
    expect(fourth.last_run).toMatchObject({
      rows_read: 0,
      deleted: 0,
      deletes_refused: 'source_returned_no_rows',
    });
    expect((await h.call('GET', '/api/v1/users/c-ann')).status).toBe(200);
    expect((await h.call('GET', '/api/v1/users/c-cid')).status).toBe(200);
  });
});

const KEYCLOAK: Record<SourceKind, string[]> = {
  postgresql: [
    `CREATE TABLE realm (id varchar(36) NOT NULL PRIMARY KEY, name varchar(255) UNIQUE)`,
    `CREATE TABLE user_entity (id varchar(36) NOT NULL PRIMARY KEY, email varchar(255),
      email_constraint varchar(255), email_verified boolean DEFAULT false NOT NULL,
      enabled boolean DEFAULT false NOT NULL, federation_link varchar(255),
      first_name varchar(255), last_name varchar(255), realm_id varchar(255),
      username varchar(255), created_timestamp bigint, service_account_client_link varchar(255),
      not_before integer DEFAULT 0 NOT NULL)`,
    `CREATE TABLE user_attribute (name varchar(255) NOT NULL, value varchar(255),
      user_id varchar(36) NOT NULL, id varchar(36) DEFAULT 'sybase-needs-something-here' NOT NULL PRIMARY KEY,
      long_value_hash bytea, long_value_hash_lower_case bytea, long_value text)`,
  ],
  mysql: [
    `CREATE TABLE realm (id varchar(36) NOT NULL PRIMARY KEY, name varchar(255) UNIQUE)`,
    `CREATE TABLE user_entity (id varchar(36) NOT NULL PRIMARY KEY, email varchar(255),
      email_constraint varchar(255), email_verified bit(1) DEFAULT b'0' NOT NULL,
      enabled bit(1) DEFAULT b'0' NOT NULL, federation_link varchar(255),
      first_name varchar(255), last_name varchar(255), realm_id varchar(255),
      username varchar(255), created_timestamp bigint, service_account_client_link varchar(255),
      not_before int DEFAULT 0 NOT NULL)`,
    `CREATE TABLE user_attribute (name varchar(255) NOT NULL, value varchar(255),
      user_id varchar(36) NOT NULL, id varchar(36) DEFAULT 'sybase-needs-something-here' NOT NULL PRIMARY KEY,
      long_value_hash binary(64), long_value_hash_lower_case binary(64), long_value longtext)`,
  ],
};

describe.each(['postgresql', 'mysql'] as const)('Keycloak on %s', (kind) => {
  let source: SourceDatabase;
  let h: Harness;
  beforeAll(async () => {
    source = await createSourceDatabase(kind, KEYCLOAK[kind]);
    h = await createHarness('sqlite', {
      userSource: { url: source.readerUrl, query: RECIPES.get('keycloak') },
    });
  });
  afterAll(async () => {
    await h.destroy();
    await source.drop();
  });

  it('reads users with their attributes; a bad attribute skips that user only', async () => {
    const on = kind === 'postgresql' ? 'true' : "b'1'";
    await source.exec(`INSERT INTO realm (id, name) VALUES ('r1', 'zgsm'), ('r2', 'master')`);
    await source.exec(
      `INSERT INTO user_entity (id, email, enabled, realm_id, username, created_timestamp, service_account_client_link) VALUES
       ('k-ann', 'ann@example.org', ${on}, 'r1', 'ann', 1748736000000, NULL),
       ('k-bob', 'bob@example.org', ${on}, 'r1', 'bob', 1748736000000, NULL),
       ('k-svc', NULL, ${on}, 'r1', 'service-account-x', 1748736000000, 'client-1'),
       ('k-other', 'o@example.org', ${on}, 'r2', 'other', 1748736000000, NULL)`,
    );
    await source.exec(
      `INSERT INTO user_attribute (id, user_id, name, value) VALUES
       ('a1', 'k-ann', 'vip', '2'), ('a2', 'k-ann', 'org', 'acme'), ('a3', 'k-ann', 'github', 'ann-dev'),
       ('a4', 'k-bob', 'vip', 'gold')`,
    );
    const { done } = await h.runtime.app.startUserSync({});
    const run = await done;
    expect(run).toMatchObject({ rowsRead: 2, upserted: 1, error: null });
    expect(run.rejected).toEqual({ invalid_vip: 1 });
    expect(run.rejectedIds).toEqual({ invalid_vip: ['k-bob'] });
    const ann = await h.call('GET', '/api/v1/users/k-ann');
    expect(ann.body).toMatchObject({
      name: 'ann',
      vip: 2,
      org: 'acme',
      github_username: 'ann-dev',
      register_time: '2025-06-01T00:00:00.000Z',
    });
    expect((await h.call('GET', '/api/v1/users/k-svc')).status).toBe(404);
    expect((await h.call('GET', '/api/v1/users/k-other')).status).toBe(404);
  });
});

const AUTH_USERS = `CREATE TABLE auth_users (
  id uuid NOT NULL PRIMARY KEY, created_at timestamptz(0), updated_at timestamptz(0),
  access_time timestamptz(0), name varchar(100) NOT NULL, github_id varchar(100),
  github_name varchar(100), vip int8 DEFAULT 0, phone varchar(20), email varchar(100),
  password varchar(100), company varchar(100), location varchar(100), user_code varchar(100),
  external_accounts varchar(100), employee_number varchar(100), github_star text, devices jsonb)`;

describe('the original quota-manager auth_users on postgresql, daemon on postgresql', () => {
  let source: SourceDatabase;
  let h: Harness;
  const id = '4b0c2a9e-1f3d-4c55-9a7e-0d2b6f1c8e11';
  beforeAll(async () => {
    source = await createSourceDatabase('postgresql', [AUTH_USERS]);
    h = await createHarness('postgresql', {
      userSource: { url: source.readerUrl, query: RECIPES.get('auth-users'), cursor: 'updated_at' },
    });
  });
  afterAll(async () => {
    await h.destroy();
    await source.drop();
  });

  it('reads the users, then only the changed ones past the cursor', async () => {
    await source.exec(
      `INSERT INTO auth_users (id, name, vip, company, github_name, github_star, created_at, updated_at, access_time)
       VALUES ($1, 'ann', 3, 'acme', 'ann-dev', 'zgsm-ai/zgsm,a/b', '2025-06-01T08:00:00+08:00', '2025-06-02T00:00:00Z', NULL),
              ('0e6c8d40-6a43-4b1f-8f7e-2a9d1c3b5e70', 'bob', 0, NULL, NULL, NULL, '2025-06-01T00:00:00Z', '2025-06-01T00:00:00Z', NULL)`,
      [id],
    );
    const first = await (await h.runtime.app.startUserSync({})).done;
    expect(first).toMatchObject({ full: true, rowsRead: 2, upserted: 2, error: null });
    const ann = await h.call('GET', `/api/v1/users/${id}`);
    expect(ann.body).toMatchObject({
      vip: 3,
      org: 'acme',
      github_username: 'ann-dev',
      github_stars: ['a/b', 'zgsm-ai/zgsm'],
      register_time: '2025-06-01T00:00:00.000Z',
    });
    await source.exec(
      `UPDATE auth_users SET vip = 5, updated_at = '2025-06-03T00:00:00Z' WHERE id = $1`,
      [id],
    );
    const second = await (await h.runtime.app.startUserSync({})).done;
    expect(second).toMatchObject({ full: false, rowsRead: 1, upserted: 1 });
    expect((await h.call('GET', `/api/v1/users/${id}`)).body.vip).toBe(5);
  });

  it('answers 409 while another replica holds the sync lease', async () => {
    const other = createReservedLease(
      h.database,
      RESERVED_LEASE_KEYS.userSync,
      'another-replica',
      60_000,
    );
    expect(await other.acquire()).toBe(true);
    try {
      const response = await h.call('POST', '/api/v1/sources/users/sync', { full: true });
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('conflict');
    } finally {
      await other.release();
    }
  });
});

describe('the source connection is read-only', () => {
  let source: SourceDatabase;
  beforeAll(async () => {
    source = await createSourceDatabase('postgresql', [CASDOOR.postgresql]);
    await addCasdoorUser(source, {
      id: 'c-ann',
      name: 'ann',
      created: '2025-06-01T08:00:00+08:00',
    });
  });
  afterAll(() => source.drop());

  it('refuses a query that writes, even for a role that may write', async () => {
    // A function that writes, called from the SELECT: the role could run it elsewhere.
    await source.exec(
      `CREATE FUNCTION touch_users() RETURNS bigint LANGUAGE sql AS 'UPDATE "user" SET phone = ''x''; SELECT count(*) FROM "user"'`,
    );
    const reader = createSqlUserSource({
      url: source.adminUrl,
      query: `SELECT id, touch_users() AS touched FROM "user"`,
      timeZone: 'UTC',
    });
    const read = async () => {
      const rows = [];
      for await (const page of reader.pages({ pageSize: 10 })) rows.push(...page);
      return rows;
    };
    await expect(read()).rejects.toThrow(/cannot execute UPDATE in a read-only transaction/);
    const still = createSqlUserSource({
      url: source.readerUrl,
      query: `SELECT id, phone FROM "user"`,
      timeZone: 'UTC',
    });
    const pages = [];
    for await (const page of still.pages({ pageSize: 10 })) pages.push(...page);
    expect(pages).toEqual([{ id: 'c-ann', phone: '' }]);
  });

  it('gives timestamp without time zone as written, for the sync to read in its zone', async () => {
    const reader = createSqlUserSource({
      url: source.readerUrl,
      query: `SELECT 'x' AS id, TIMESTAMP '2025-06-01 08:00:00' AS register_time`,
      timeZone: 'Asia/Shanghai',
    });
    const rows = [];
    for await (const page of reader.pages({ pageSize: 10 })) rows.push(...page);
    expect(rows).toEqual([{ id: 'x', register_time: '2025-06-01 08:00:00' }]);
  });
});
