// Signing per the Standard Webhooks specification, version 1:
// https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
// The signed content is `<webhook-id>.<webhook-timestamp>.<body>`, signed with HMAC-SHA256 under
// the base64-decoded part of a `whsec_` secret. Pure: the caller passes the id, the time and the
// exact body bytes it will send, so the same delivery signed again is byte for byte the same.
import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
/** The spec asks for 24 to 64 bytes of key; 32 matches the hash's own size. */
const SECRET_BYTES = 32;
const MIN_SECRET_BYTES = 24;
const MAX_SECRET_BYTES = 64;

export type SigningSecretProblem = 'none' | 'missing_prefix' | 'not_base64' | 'wrong_length';

export class InvalidSigningSecretError extends Error {
  constructor(readonly code: SigningSecretProblem) {
    super(`invalid webhook signing secret: ${code.replaceAll('_', ' ')}`);
    this.name = 'InvalidSigningSecretError';
  }
}

/** A new `whsec_` secret from `random` (crypto's by default); shown to the operator once. */
export function generateSigningSecret(random: (size: number) => Buffer = randomBytes): string {
  return SECRET_PREFIX + random(SECRET_BYTES).toString('base64');
}

/** The HMAC key inside a `whsec_` secret. */
export function signingKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new InvalidSigningSecretError('missing_prefix');
  const encoded = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0)
    throw new InvalidSigningSecretError('not_base64');
  const key = Buffer.from(encoded, 'base64');
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES)
    throw new InvalidSigningSecretError('wrong_length');
  return key;
}

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export interface SignInput {
  /** Stays the same on every attempt of one delivery: receivers de-duplicate on it. */
  id: string;
  /** The moment of this attempt; written as whole Unix seconds. */
  at: Date;
  body: string;
  /**
   * One secret, or during a rotation the new one and the old one: the header then carries one
   * signature per secret, space-separated, and a receiver holding either accepts the delivery.
   */
  secrets: readonly string[];
}

/** The three Standard Webhooks headers for one attempt. */
export function signWebhook({ id, at, body, secrets }: SignInput): SignedHeaders {
  if (secrets.length === 0) throw new InvalidSigningSecretError('none');
  if (id.includes('.')) throw new RangeError('a webhook id must not contain "."');
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const content = `${id}.${timestamp}.${body}`;
  const signatures = secrets.map(
    (secret) => 'v1,' + createHmac('sha256', signingKey(secret)).update(content).digest('base64'),
  );
  return {
    'webhook-id': id,
    'webhook-timestamp': timestamp,
    'webhook-signature': signatures.join(' '),
  };
}
