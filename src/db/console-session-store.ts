// ConsoleSessionStore over console_session (the port says what the columns hold).
import type { ConsoleSessionStore } from '../core/ports/console-sessions.ts';
import type { Database } from './client.ts';

export function createConsoleSessionStore({ db }: Database): ConsoleSessionStore {
  return {
    async insert(record) {
      await db.consoleSession.create({ data: record });
    },

    async find(idHash, now) {
      const row = await db.consoleSession.findFirst({
        where: { idHash, expiresAt: { gt: now } },
      });
      if (row === null) return null;
      // Only the console writes this column, with one of the two roles.
      const role = row.role === 'admin' ? 'admin' : 'viewer';
      return {
        idHash: row.idHash,
        callerName: row.callerName,
        role,
        sealedToken: row.sealedToken,
        expiresAt: row.expiresAt,
      };
    },

    async delete(idHash) {
      await db.consoleSession.deleteMany({ where: { idHash } });
    },

    async deleteForCaller(callerName) {
      return (await db.consoleSession.deleteMany({ where: { callerName } })).count;
    },

    async deleteExpired(now) {
      return (await db.consoleSession.deleteMany({ where: { expiresAt: { lte: now } } })).count;
    },
  };
}
