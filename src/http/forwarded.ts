// Who the browser is and which origin it is on, when the daemon sits behind proxies.
// X-Forwarded-* headers are believed only from a peer listed in TRUST_PROXY: anyone else could
// write them, and a forged X-Forwarded-For would pick its own rate-limit bucket. PUBLIC_URL,
// when set, names the origin outright and no header can change it.
import { BlockList, isIP } from 'node:net';
import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

export interface Forwarded {
  /** The browser's address: the socket's peer, or the nearest untrusted X-Forwarded-For hop. */
  clientAddress: (c: Context) => string;
  /** The origin the browser is on ("https://ops.example.com"). */
  publicOrigin: (c: Context) => string;
}

/** The socket's peer; in-process requests (tests, the console's own API calls) have none. */
function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/** "::ffff:10.0.0.1" as the socket reports an IPv4 peer on a dual-stack listener → "10.0.0.1". */
const plain = (address: string): string => address.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');

/** TRUST_PROXY entries (addresses or CIDRs, already validated by the config) as a BlockList. */
export function trustList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

function trusts(list: BlockList, address: string | undefined): boolean {
  if (address === undefined) return false;
  const ip = plain(address);
  const family = isIP(ip);
  return family !== 0 && list.check(ip, family === 6 ? 'ipv6' : 'ipv4');
}

/** The first value of a header a proxy may have appended to ("https, http" → "https"). */
const first = (value: string | undefined): string | undefined =>
  value?.split(',')[0]?.trim() || undefined;

export function forwarded(options: {
  trustProxy: readonly string[];
  publicUrl?: string;
}): Forwarded {
  const list = trustList(options.trustProxy);
  const fixedOrigin = options.publicUrl ? new URL(options.publicUrl).origin : undefined;
  const fromTrusted = (c: Context) => options.trustProxy.length > 0 && trusts(list, peerAddress(c));

  return {
    clientAddress: (c) => {
      const peer = peerAddress(c);
      if (peer === undefined) return 'local';
      if (!fromTrusted(c)) return plain(peer);
      // Walk from the nearest hop outwards: every hop we trust may have appended, the first we
      // do not trust is the client (whatever it wrote further left is its own invention).
      const hops = (c.req.header('x-forwarded-for') ?? '')
        .split(',')
        .map((hop) => hop.trim())
        .filter((hop) => hop !== '');
      for (let i = hops.length - 1; i >= 0; i--) {
        const hop = hops[i]!;
        if (isIP(plain(hop)) === 0) return plain(peer); // garbage in the chain: trust none of it
        if (!trusts(list, hop)) return plain(hop);
      }
      return hops.length > 0 ? plain(hops[0]!) : plain(peer);
    },

    publicOrigin: (c) => {
      if (fixedOrigin) return fixedOrigin;
      const url = new URL(c.req.url);
      if (!fromTrusted(c)) return url.origin;
      const proto = first(c.req.header('x-forwarded-proto'))?.toLowerCase();
      const host = first(c.req.header('x-forwarded-host')) ?? c.req.header('host') ?? url.host;
      const scheme = proto === 'https' || proto === 'http' ? proto : url.protocol.slice(0, -1);
      try {
        return new URL(`${scheme}://${host}`).origin;
      } catch {
        return url.origin; // a Host no URL can carry: the request's own
      }
    },
  };
}
