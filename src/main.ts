// The daemon's entry point: reads the config, starts the daemon (src/daemon.ts: runtime, HTTP
// server, cron ticks) and stops it on SIGTERM/SIGINT.
import { ConfigError, loadConfig } from './config/load-config.ts';
import { ListenError, startDaemon, type Daemon } from './daemon.ts';

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 25_000;

async function main(): Promise<void> {
  const config = loadOrExit();
  let daemon: Daemon;
  try {
    daemon = await startDaemon(config);
  } catch (error) {
    if (!(error instanceof ListenError)) throw error;
    process.stderr.write(`quota-manager: ${error.message}\n`);
    process.exit(1);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const deadline = setTimeout(() => {
      daemon.runtime.logger.error('shutdown deadline passed; exiting with work in flight', {
        deadline_ms: SHUTDOWN_DEADLINE_MS,
      });
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    await daemon.stop(signal);
    await daemon.flushLogs();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

function loadOrExit() {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`quota-manager: invalid configuration: ${error.message}\n`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `quota-manager: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
