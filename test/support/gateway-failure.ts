// The GatewayError a gateway call rejects with; the test fails when it resolves or rejects with
// anything else.
import { expect } from 'vitest';
import { GatewayError } from '../../src/gateway/index.ts';

export async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GatewayError);
  return error as GatewayError;
}
