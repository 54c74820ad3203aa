// Lists the secret values inside a loaded config so the logger can blank them out wherever they
// surface (a driver error quoting the connection string, a gateway error echoing a header).
import type { ParsedConfig as Config } from './config-schema.ts';

export function configSecrets(
  config: Pick<Config, 'adminToken' | 'metricsToken' | 'gateway' | 'databaseUrl' | 'github'>,
): string[] {
  const secrets = [
    config.adminToken,
    config.metricsToken,
    config.gateway.authValue,
    config.github.token,
    config.github.webhookSecret,
    ...databasePasswords(config.databaseUrl),
  ];
  return [
    ...new Set(secrets.filter((secret): secret is string => secret !== undefined && secret !== '')),
  ];
}

/** The password both as written in the URL (percent-encoded) and decoded, as either may be quoted. */
function databasePasswords(databaseUrl: string): string[] {
  if (databaseUrl.startsWith('file:')) return [];
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return [];
  }
  // libpq-style URLs may also carry the password as a query parameter.
  const written = [url.password, url.searchParams.get('password') ?? ''];
  return written.flatMap((password) => [password, safeDecode(password)]);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
