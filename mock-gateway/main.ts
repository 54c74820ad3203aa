// Standalone mock gateway: `npm run mock-gateway`. Configured by environment variables and one
// flag (this is a test tool, not the daemon, so it does not read config.yaml):
// `--honour-idempotency` (or MOCK_GATEWAY_HONOUR_IDEMPOTENCY=true) makes it apply a repeated
// Idempotency-Key once; by default it ignores the key, like the real Higress plugin.
import { startMockGateway, type MockBalanceProtocol } from './server.ts';

function envFlag(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

function envPort(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`${name} must be a port number, got "${raw}"`);
  return port;
}

function envBalance(name: string): MockBalanceProtocol | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'total_minus_used' || raw === 'quota') return raw;
  throw new Error(`${name} must be total_minus_used or quota, got "${raw}"`);
}

async function main(): Promise<void> {
  const gateway = await startMockGateway({
    port: envPort('MOCK_GATEWAY_PORT', 8002),
    host: process.env.MOCK_GATEWAY_HOST || '127.0.0.1',
    authValue: process.env.MOCK_GATEWAY_AUTH_VALUE || 'mock-admin-key',
    authHeader: process.env.MOCK_GATEWAY_AUTH_HEADER || undefined,
    adminPath: process.env.MOCK_GATEWAY_ADMIN_PATH || undefined,
    stateFile: process.env.MOCK_GATEWAY_STATE_FILE || undefined,
    honourIdempotency:
      process.argv.includes('--honour-idempotency') ||
      envFlag('MOCK_GATEWAY_HONOUR_IDEMPOTENCY', false),
    balance: envBalance('MOCK_GATEWAY_BALANCE'),
  });
  // The key is deliberately not printed: a mock key can still be someone's real habit.
  console.log(`mock gateway listening on ${gateway.url}`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.log(`mock gateway stopping (${signal})`);
    gateway.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('mock gateway: error while stopping', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  console.error(
    `mock gateway failed to start: ${error instanceof Error ? error.message : String(error)}`,
  );
  process.exit(1);
});
