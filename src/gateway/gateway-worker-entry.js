// The worker thread's entry (plain JavaScript, like bin/quota-manager.js): the daemon runs from TypeScript sources through tsx, and a worker
// thread does not always inherit tsx's loader (vitest's workers, a plain `node` parent), so the
// worker imports its TypeScript through tsx's scoped API, which works either way.
import { tsImport } from 'tsx/esm/api';

await tsImport('./gateway-worker.ts', import.meta.url);
