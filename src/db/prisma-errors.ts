// Translates Prisma and driver errors into our own at the adapter's edge.
import { AppError } from '../core/errors.ts';

interface PrismaLikeError {
  code?: string;
  message?: string;
  meta?: { target?: unknown; modelName?: string };
}

/** Errors that mean the database is unreachable or overloaded right now (→ 503). */
const UNAVAILABLE_CODES = new Set([
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
  'ECONNREFUSED',
  'ECONNRESET',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  '57P01',
  '57P03',
  // MySQL / MariaDB: server shutting down, connection killed, connection lost.
  '1053',
  '1927',
  '2013',
  // A driver adapter's own kinds, which a statement sent on the connection (direct-sql.ts)
  // carries as its code when the driver gave none.
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);

/** The fields a Prisma or driver error may carry; none for a thrown non-object. */
function prismaLike(error: unknown): PrismaLikeError {
  return typeof error === 'object' && error !== null ? error : {};
}

/** Prisma's code, or PostgreSQL's for a statement sent on the connection (direct-sql.ts). */
const UNIQUE_VIOLATION_CODES = new Set(['P2002', '23505']);

export function isUniqueViolation(error: unknown): boolean {
  const { code } = prismaLike(error);
  return code !== undefined && UNIQUE_VIOLATION_CODES.has(code);
}

export function isRecordNotFound(error: unknown): boolean {
  return prismaLike(error).code === 'P2025';
}

/**
 * A transaction the server rolled back to break a deadlock or a serialization conflict: the
 * caller's request did nothing and can be sent again (autocommit statements are re-run by
 * conflict-retry.ts; a whole transaction only its caller can re-run).
 */
const CONFLICT_CODES = new Set(['P2034', '1213', '40P01', '40001']);

export function translateDatabaseError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const { code, message = '' } = prismaLike(error);
  if ((code && CONFLICT_CODES.has(code)) || /deadlock|could not serialize access/i.test(message))
    return new AppError(
      'database_unavailable',
      'The database rolled this change back to resolve a conflicting write; nothing was changed, try again',
    );
  if (
    (code && UNAVAILABLE_CODES.has(code)) ||
    /Can't reach database|Connection terminated|connect ECONNREFUSED|database is locked|terminating connection|retrieve connection from pool timeout|failed to retrieve a connection from pool|socket has unexpectedly been closed|Connection killed|server shutdown in progress/i.test(
      message,
    )
  ) {
    return new AppError('database_unavailable', 'The database is unavailable; try again shortly');
  }
  return error;
}
