// Throwaway source databases for the user sync: an empty PostgreSQL or MariaDB database the
// test fills with an identity system's tables, a statement runner with full rights (the
// "identity system"), and the URL of a role that may only SELECT (what the sync is given).
import { randomBytes } from 'node:crypto';
import mariadb from 'mariadb';
import pg from 'pg';
import { inject } from 'vitest';
import { mysqlConnectionConfig } from '../../src/db/driver.ts';
import { createEmptyDatabaseUrl } from './databases.ts';

export type SourceKind = 'postgresql' | 'mysql';

export interface SourceDatabase {
  kind: SourceKind;
  /** Full rights: the identity system writing its users. */
  adminUrl: string;
  /** A role with SELECT on every table and nothing else. */
  readerUrl: string;
  exec(sql: string, params?: unknown[]): Promise<void>;
  drop(): Promise<void>;
}

export async function createSourceDatabase(
  kind: SourceKind,
  schema: string[],
): Promise<SourceDatabase> {
  const { url, drop } = await createEmptyDatabaseUrl(kind);
  const exec = (sql: string, params: unknown[] = []) =>
    kind === 'postgresql' ? pgExec(url, sql, params) : mysqlExec(url, sql, params);
  for (const statement of schema) await exec(statement);
  const readerUrl = await selectOnlyRole(kind, url);
  return { kind, adminUrl: url, readerUrl, exec, drop };
}

async function pgExec(url: string, sql: string, params: unknown[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

async function mysqlExec(url: string, sql: string, params: unknown[]): Promise<void> {
  const connection = await mariadb.createConnection(mysqlConnectionConfig(url));
  try {
    await connection.query(sql, params);
  } finally {
    await connection.end();
  }
}

async function selectOnlyRole(kind: SourceKind, url: string): Promise<string> {
  const role = `reader_${randomBytes(4).toString('hex')}`;
  const password = randomBytes(8).toString('hex');
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.slice(1));
  if (kind === 'postgresql') {
    await pgExec(url, `CREATE ROLE ${role} LOGIN PASSWORD '${password}'`, []);
    await pgExec(url, `GRANT CONNECT ON DATABASE ${database} TO ${role}`, []);
    await pgExec(url, `GRANT USAGE ON SCHEMA public TO ${role}`, []);
    await pgExec(url, `GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`, []);
  } else {
    const admin = inject('mysqlAdminUrl');
    for (const host of ['%', 'localhost', '127.0.0.1']) {
      await mysqlExec(admin, `CREATE USER '${role}'@'${host}' IDENTIFIED BY '${password}'`, []);
      await mysqlExec(admin, `GRANT SELECT ON ${database}.* TO '${role}'@'${host}'`, []);
    }
  }
  parsed.username = role;
  parsed.password = password;
  return parsed.toString();
}
