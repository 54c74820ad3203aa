// DATABASE_URL's scheme picks the database; a MySQL URL becomes the pool settings the claim and
// the lease rely on (changed-row counts, UTC session).
import { describe, expect, it } from 'vitest';
import { databaseKind, UnsupportedDatabaseUrlError } from '../../src/config/database-url.ts';
import { mysqlPoolConfig } from '../../src/db/driver.ts';

describe('DATABASE_URL', () => {
  it.each([
    ['file:./data/qm.db', 'sqlite'],
    ['postgres://db/qm', 'postgresql'],
    ['postgresql://u:p@db:5432/qm', 'postgresql'],
    ['mysql://u:p@db:3306/qm', 'mysql'],
    ['mariadb://db/qm', 'mysql'],
  ])('%s is %s', (url, kind) => {
    expect(databaseKind(url)).toBe(kind);
  });

  it('refuses other schemes', () => {
    expect(() => databaseKind('mongodb://db/qm')).toThrow(UnsupportedDatabaseUrlError);
  });

  it('turns a MySQL URL into pool settings: changed rows, UTC, 10 connections', () => {
    expect(mysqlPoolConfig('mysql://qm%40x:p%3Ass@db.internal:3307/quota_manager')).toEqual({
      host: 'db.internal',
      port: 3307,
      user: 'qm@x',
      password: 'p:ss',
      database: 'quota_manager',
      connectionLimit: 10,
      foundRows: false,
      initSql: "SET time_zone = '+00:00'",
    });
    expect(mysqlPoolConfig('mariadb://db/qm')).toMatchObject({
      port: 3306,
      user: '',
      password: '',
    });
  });
});
