// The one collation of text on MySQL/MariaDB (prisma/mysql/migrations set it on every table):
// binary, by code point, and NO PAD, so `bob` and `bob ` are two values, as on PostgreSQL and
// SQLite. utf8mb4_bin is PAD SPACE and compared them as equal.
export const MYSQL_TEXT_COLLATION = 'utf8mb4_nopad_bin';

/**
 * A text column of rows passed as JSON (JSON_TABLE). Declared with the tables' collation: left
 * to the database's default, comparing it with a table column fails ("Illegal mix of
 * collations") or, on a PAD SPACE default, compares differently from the tables.
 */
export const mysqlJsonText = (length: number) =>
  `VARCHAR(${length}) CHARACTER SET utf8mb4 COLLATE ${MYSQL_TEXT_COLLATION}`;
