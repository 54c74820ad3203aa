// The console's session table as the console sees it. The console may import only console/ and
// contract/, the store is implemented in db/: this one re-export keeps a single declaration
// (core/ports/console-sessions.ts) that both sides are compiled against.
export type { ConsoleSessionRecord, ConsoleSessionStore } from '../core/ports/console-sessions.ts';
