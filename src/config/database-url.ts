// Which database a DATABASE_URL names, by its scheme. The config check and the driver choice
// (db/driver.ts) both ask this one function, so they cannot disagree.

export type DatabaseKind = 'sqlite' | 'postgresql' | 'mysql';

export class UnsupportedDatabaseUrlError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly url: string) {
    super(
      'DATABASE_URL must start with file: (SQLite), postgres:// / postgresql:// (PostgreSQL) or mysql:// / mariadb:// (MySQL, MariaDB)',
    );
  }
}

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  if (/^(mysql|mariadb):\/\//.test(url)) return 'mysql';
  throw new UnsupportedDatabaseUrlError(url);
}
