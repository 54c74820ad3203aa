// Which IP addresses an outbound request to an operator-named URL may connect to. A webhook URL
// is input from outside; without this check it could reach the daemon's own host, the private
// network or a cloud metadata service (169.254.169.254) and report what it found (SSRF).
import { isIPv4, isIPv6 } from 'node:net';

export type BlockedAddressKind =
  'loopback' | 'private' | 'link_local' | 'unspecified' | 'multicast' | 'reserved';

type Bytes = readonly number[];

function ipv4Bytes(address: string): Bytes {
  return address.split('.').map(Number);
}

/** The 16 bytes of an IPv6 address (zone removed, an IPv4 tail converted). */
function ipv6Bytes(address: string): Bytes {
  let text = address.replace(/%.*$/, '');
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4Tail) {
    const [a, b, c, d] = ipv4Bytes(v4Tail) as [number, number, number, number];
    text =
      text.slice(0, -v4Tail.length) +
      `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const groups = tail === undefined ? headGroups : [...headGroups, ...zeros, ...tailGroups];
  return groups.flatMap((group) => {
    const value = parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
}

function classifyIPv4([a, b]: Bytes): BlockedAddressKind | null {
  if (a === 0) return 'unspecified'; // 0.0.0.0/8, "this network"
  if (a === 127) return 'loopback';
  if (a === 10) return 'private';
  if (a === 172 && b! >= 16 && b! <= 31) return 'private';
  if (a === 192 && b === 168) return 'private';
  if (a === 100 && b! >= 64 && b! <= 127) return 'private'; // carrier-grade NAT, 100.64.0.0/10
  if (a === 169 && b === 254) return 'link_local';
  if (a! >= 224 && a! <= 239) return 'multicast';
  if (a! >= 240) return 'reserved'; // 240.0.0.0/4 and the broadcast address
  return null;
}

function classifyIPv6(bytes: Bytes): BlockedAddressKind | null {
  const zeroUpTo = (n: number) => bytes.slice(0, n).every((byte) => byte === 0);
  const embeddedV4 = bytes.slice(12);
  if (zeroUpTo(16)) return 'unspecified';
  if (zeroUpTo(15) && bytes[15] === 1) return 'loopback';
  // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (IPv4-compatible) reach the IPv4 address.
  if (zeroUpTo(10) && bytes[10] === 0xff && bytes[11] === 0xff) return classifyIPv4(embeddedV4);
  if (zeroUpTo(12)) return classifyIPv4(embeddedV4);
  // 64:ff9b::/96, NAT64: a translator on the path forwards to the embedded IPv4 address.
  if (bytes[0] === 0 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b)
    return classifyIPv4(embeddedV4);
  const [first, second] = bytes as [number, number];
  if ((first & 0xfe) === 0xfc) return 'private'; // unique local, fc00::/7
  if (first === 0xfe && (second & 0xc0) === 0x80) return 'link_local'; // fe80::/10
  if (first === 0xfe && (second & 0xc0) === 0xc0) return 'private'; // site-local, fec0::/10
  if (first === 0xff) return 'multicast';
  return null;
}

/** Why `address` (an IP literal) must not be connected to, or null when it may be. */
export function blockedAddressKind(address: string): BlockedAddressKind | null {
  if (isIPv4(address)) return classifyIPv4(ipv4Bytes(address));
  if (isIPv6(address)) return classifyIPv6(ipv6Bytes(address));
  return 'reserved';
}
