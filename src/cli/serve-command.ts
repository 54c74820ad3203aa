// `quota-manager serve`: the daemon. Importing src/main.ts starts it; from then on the daemon
// owns the process (signals, exit code), exactly as with `npm start`.
import { defineCommand } from './command.ts';

export const serveCommand = defineCommand({
  spec: {
    name: 'serve',
    summary: 'Run the daemon: apply migrations, serve the REST API, scan on SCAN_CRON.',
    args: [],
    options: {},
    details: `
The same process as \`npm start\`. Stops cleanly on SIGTERM or SIGINT (exit code 0); an invalid
setting stops it before it listens (exit code 1, one line naming the setting).`,
  },
  async run() {
    await import('../main.ts');
    return 'running';
  },
});
