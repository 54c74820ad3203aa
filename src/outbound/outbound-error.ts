// Why an outbound request was refused or failed, as a code a caller can store and show.
import type { BlockedAddressKind } from './address-policy.ts';

export type OutboundErrorCode =
  | `target_${BlockedAddressKind}`
  | 'invalid_url'
  | 'unsupported_scheme'
  | 'dns_failed'
  | 'connect_failed'
  | 'timeout'
  | 'request_failed';

export class OutboundError extends Error {
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

const KIND_WORDS: Record<BlockedAddressKind, string> = {
  loopback: 'a loopback address',
  private: 'a private network address',
  link_local: 'a link-local address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};

export function blockedTargetError(
  host: string,
  address: string,
  kind: BlockedAddressKind,
): OutboundError {
  const via = host === address ? address : `${host} (resolves to ${address})`;
  const metadata = address.endsWith('169.254.169.254')
    ? ', where cloud metadata services answer'
    : '';
  return new OutboundError(
    `target_${kind}`,
    `refused to connect to ${via}: ${KIND_WORDS[kind]}${metadata}; private targets are not allowed`,
  );
}
