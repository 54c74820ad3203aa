// Header values carry only visible ASCII on the wire here. Node refuses anything outside
// Latin-1 (ERR_INVALID_CHAR) and gateways disagree about Latin-1 itself, so text that may hold
// any character (the user part of an idempotency key) is percent-encoded as UTF-8.

/** Bytes sent as they are: visible ASCII except `%`, which is encoded so the mapping is one-to-one. */
const isPlain = (byte: number) => byte > 0x20 && byte < 0x7f && byte !== 0x25;

/**
 * `qm:7:once:张三` → `qm:7:once:%E5%BC%A0%E4%B8%89`. Stable: an ASCII key without `%` or
 * spaces is sent unchanged, so keys of existing grants keep their wire form.
 */
export function encodeHeaderText(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += isPlain(byte)
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Printable ASCII with inner spaces only: what config and client options accept for header values. */
export const SENDABLE_HEADER_VALUE = /^(?:[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?)?$/;
