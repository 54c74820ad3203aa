// Query answers are read without losing digits: a counter's exact text decides whether
// quota-manager can compute with it, and an error quotes what the gateway really sent.
import { describe, expect, it } from 'vitest';
import { parseEnvelope, quoteQuotaNumbers } from '../../src/gateway/envelope.ts';
import { amountFrom } from '../../src/gateway/gateway-amount.ts';

const answer = (quota: string, userId = 'u1') =>
  `{"code":200,"message":"ok","success":true,"data":{"user_id":${JSON.stringify(userId)},"quota":${quota}}}`;

const read = (body: string) => amountFrom('get_quota', parseEnvelope(body)!.data);

describe('gateway amounts', () => {
  it.each([
    ['0', 0],
    ['-12.5', -12.5],
    ['999999999999.99', 999_999_999_999.99],
    ['-999999999999.99', -999_999_999_999.99],
    ['1e3', 1000],
    ['"42"', 42],
  ])('reads %s exactly', (text, value) => {
    expect(read(answer(text))).toBe(value);
  });

  it.each(['9007199254740993', '1000000000000', '-1000000000000', '1e13'])(
    'refuses %s, quoting the number as sent',
    (text) => {
      expect(() => read(answer(text))).toThrow(
        `gateway get_quota answer ${text} is beyond ±999999999999.99`,
      );
      // One user's counter, not a gateway outage: the circuit breaker must not count it.
      expect(() => read(answer(text))).toThrow(
        expect.objectContaining({ reason: 'out_of_range', retryable: false }),
      );
    },
  );

  it('quotes only the quota key, not text inside strings', () => {
    const body = answer('7', 'x","quota":9007199254740993,"y');
    expect(quoteQuotaNumbers(body)).toBe(body.replace('"quota":7', '"quota":"7"'));
    expect(read(body)).toBe(7);
  });
});
