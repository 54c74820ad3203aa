// Issue 12 B: user ids outside Latin-1 (Chinese names, emoji) are granted through the real mock
// gateway, and never count as gateway failures: twenty of them leave the circuit breaker closed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/gateway/index.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';

describe.each(DATABASE_KINDS)('user ids outside Latin-1 on %s', (kind) => {
  let h: Harness;
  const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 60_000 });
  beforeAll(async () => {
    h = await createHarness(kind, { breaker, honoursIdempotency: false });
  });
  afterAll(() => h.destroy());

  it('grants 20 Chinese and emoji user ids and keeps the breaker closed for everyone else', async () => {
    const org = `org-${kind}-${Date.now()}`;
    const names = [
      '张三',
      '李四',
      '王五',
      '赵六',
      '😀',
      '🎉用户',
      'ユーザー',
      '사용자',
      'Ωμέγα',
      '名字 带空格',
    ];
    const unicodeIds = Array.from({ length: 20 }, (_, i) => `${names[i % names.length]}-${i}`);
    const asciiIds = Array.from({ length: 5 }, (_, i) => `plain-${kind}-${i}`);
    const users = [...unicodeIds, ...asciiIds].map((id) => ({ id, org }));
    expect((await h.call('POST', '/api/v1/users/bulk', users)).status).toBe(200);
    const created = await h.call('POST', '/api/v1/strategies', {
      name: `unicode-${kind}`,
      title: 'unicode ids',
      type: 'single',
      amount: 3,
      condition: `belong-to("${org}")`,
      enabled: true,
    });
    expect(created.status).toBe(201);

    const run = await h.call('POST', `/api/v1/strategies/${created.body.id}/run`);
    expect(run.body).toMatchObject({ granted: 25, failed: 0 });
    expect(breaker.state).toBe('closed');
    const state = h.mock.state();
    for (const id of [...unicodeIds, ...asciiIds]) expect(state.quotas[id], id).toBe(3);
    const rows = await h.call('GET', `/api/v1/strategies/${created.body.id}/executions?limit=100`);
    expect(rows.body.items.map((r: { status: string }) => r.status)).toEqual(
      Array(25).fill('applied'),
    );
  });
});
