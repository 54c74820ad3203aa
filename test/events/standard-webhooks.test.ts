// Our signatures checked by a receiver nobody here wrote: the `standardwebhooks` package (the
// specification's reference library for JavaScript). It refuses a replayed delivery (an old
// timestamp) and a tampered body, and accepts either secret during a rotation.
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import {
  generateSigningSecret,
  InvalidSigningSecretError,
  signingKey,
  signWebhook,
} from '../../src/events/standard-webhooks.ts';

const body = JSON.stringify({
  type: 'occurrence.held',
  timestamp: '2026-12-07T02:00:00Z',
  data: { strategy_id: 7, occurrence: '2026-12-07T02:00:00Z', users: 1200 },
});

describe('Standard Webhooks signing', () => {
  it('makes whsec_ secrets of 32 random bytes, a new one each time', () => {
    const secret = generateSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(signingKey(secret)).toHaveLength(32);
    expect(generateSigningSecret()).not.toBe(secret);
  });

  it('is accepted by the standardwebhooks library', () => {
    const secret = generateSigningSecret();
    const headers = signWebhook({ id: 'msg_1', at: new Date(), body, secrets: [secret] });
    expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('signs id.timestamp.body with HMAC-SHA256 of the decoded key (independent vector)', () => {
    const key = Buffer.alloc(32, 7);
    const secret = 'whsec_' + key.toString('base64');
    const at = new Date('2026-12-07T02:00:00.900Z');
    const headers = signWebhook({ id: 'msg_2', at, body, secrets: [secret] });
    const seconds = String(Date.UTC(2026, 11, 7, 2) / 1000);
    const expected = createHmac('sha256', key).update(`msg_2.${seconds}.${body}`).digest('base64');
    expect(headers).toEqual({
      'webhook-id': 'msg_2',
      'webhook-timestamp': seconds,
      'webhook-signature': `v1,${expected}`,
    });
  });

  it('a replayed delivery (timestamp over five minutes old) is refused by the receiver', () => {
    const secret = generateSigningSecret();
    const at = new Date(Date.now() - 10 * 60_000);
    const headers = signWebhook({ id: 'msg_3', at, body, secrets: [secret] });
    expect(() => new Webhook(secret).verify(body, { ...headers })).toThrow(/timestamp too old/i);
  });

  it('a tampered body is refused by the receiver', () => {
    const secret = generateSigningSecret();
    const headers = signWebhook({ id: 'msg_4', at: new Date(), body, secrets: [secret] });
    const tampered = body.replace('1200', '12000');
    expect(() => new Webhook(secret).verify(tampered, { ...headers })).toThrow(
      /No matching signature found/,
    );
  });

  it('a different secret is refused by the receiver', () => {
    const headers = signWebhook({
      id: 'msg_5',
      at: new Date(),
      body,
      secrets: [generateSigningSecret()],
    });
    expect(() => new Webhook(generateSigningSecret()).verify(body, { ...headers })).toThrow(
      /No matching signature found/,
    );
  });

  it('during a rotation signs with both secrets; a receiver holding either accepts', () => {
    const [current, previous] = [generateSigningSecret(), generateSigningSecret()];
    const headers = signWebhook({
      id: 'msg_6',
      at: new Date(),
      body,
      secrets: [current, previous],
    });
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of [current, previous])
      expect(new Webhook(secret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('the same id, time and body sign to the same headers (a retry is signed as the first)', () => {
    const secret = generateSigningSecret();
    const input = { id: 'msg_7', at: new Date('2026-12-07T01:00:00Z'), body, secrets: [secret] };
    expect(signWebhook(input)).toEqual(signWebhook({ ...input }));
  });

  it.each([
    ['abc', 'missing_prefix'],
    ['whsec_not*base64', 'not_base64'],
    ['whsec_' + Buffer.alloc(8).toString('base64'), 'wrong_length'],
    ['whsec_' + Buffer.alloc(65).toString('base64'), 'wrong_length'],
  ])('refuses the secret %j (%s)', (secret, code) => {
    const sign = () => signWebhook({ id: 'msg_8', at: new Date(), body, secrets: [secret] });
    expect(sign).toThrow(InvalidSigningSecretError);
    expect(sign).toThrow(expect.objectContaining({ code }));
  });

  it('refuses an id with a dot, which would make the signed content ambiguous', () => {
    const secrets = [generateSigningSecret()];
    expect(() => signWebhook({ id: 'msg.1', at: new Date(), body, secrets })).toThrow(RangeError);
  });

  it('refuses to sign with no secret at all', () => {
    expect(() => signWebhook({ id: 'msg_9', at: new Date(), body, secrets: [] })).toThrow(
      expect.objectContaining({ code: 'none' }),
    );
  });
});
