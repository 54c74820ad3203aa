// The check of an endpoint's URL when it is saved: only http and https, and no private target
// (a literal address or a name resolving to one) unless WEBHOOK_ALLOW_PRIVATE_TARGETS. The
// sender checks again on the address it connects to (outbound/safe-sender.ts): names change.
import { lookup } from 'node:dns/promises';
import { AppError } from '../core/errors.ts';
import { blockedAddressKind } from '../outbound/address-policy.ts';
import { blockedTargetError } from '../outbound/outbound-error.ts';

const invalid = (code: string, message: string) =>
  new AppError('validation_failed', message, [{ field: 'url', code, message }]);

export function targetChecker(options: {
  allowPrivateTargets: boolean;
  resolve?: (host: string) => Promise<string[]>;
}): (url: string) => Promise<void> {
  const resolve =
    options.resolve ??
    (async (host: string) => (await lookup(host, { all: true })).map((a) => a.address));
  return async (raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw invalid('invalid_url', 'url is not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw invalid('unsupported_scheme', `url must be http or https, not ${url.protocol}`);
    if (options.allowPrivateTargets) return;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const literal = /^[\d.]+$|:/.test(host);
    let addresses: string[];
    try {
      addresses = literal ? [host] : await resolve(host);
    } catch {
      throw invalid('dns_failed', `cannot resolve ${host}`);
    }
    for (const address of addresses) {
      const kind = blockedAddressKind(address);
      if (kind !== null) {
        const refused = blockedTargetError(host, address, kind);
        throw invalid(refused.code, refused.message);
      }
    }
  };
}
