// What the operator and the gateway's users do during a history: strategies created, edited,
// disabled and enabled, users imported, quota spent, runs asked for. Requests go to whichever
// replica answers; a request refused (database down, replica gone) is part of the history, not
// an error of the nemesis.
import { apiHeaders, sleep } from '../support/fault-helpers.ts';
import { MOCK_KEY } from '../support/processes.ts';
import type { Replicas } from './replicas.ts';
import type { StrategyRole } from './schedule.ts';

export const CONDITIONS = {
  narrow: 'belong-to("nem-a")',
  wide: 'belong-to("nem-a", "nem-b")',
  capped: 'belong-to("nem-b")',
  nobody: 'belong-to("nem-nobody")',
  topUp: 'belong-to("nem-t")',
} as const;

export interface NemesisUser {
  id: string;
  org: string;
}

export const userId = (index: number) => `nem-${String(index).padStart(4, '0')}`;
/** The users only the top-up strategy grants: no other strategy moves their balance. */
export const topUpUserId = (index: number) => `nem-t-${String(index).padStart(2, '0')}`;
export const orgOf = (index: number, switched = false) =>
  (index % 2 === 0) !== switched ? 'nem-a' : 'nem-b';

export class Workload {
  readonly ids = new Map<StrategyRole, number>();

  constructor(
    private readonly replicas: Replicas,
    private readonly mockUrl: string,
  ) {}

  /** One API request on any running replica; the status, or the error that stopped it. */
  async api(method: string, path: string, body?: unknown, preferred = 0): Promise<number | string> {
    const deadline = Date.now() + 15_000;
    let replica = this.replicas.running(preferred);
    while (!replica && Date.now() < deadline) {
      await sleep(200);
      replica = this.replicas.running(preferred);
    }
    if (!replica) return 'no replica running';
    try {
      const response = await fetch(`${replica.url}${path}`, {
        method,
        headers: apiHeaders,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(20_000),
      });
      await response.body?.cancel();
      return response.status;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  async mock(path: string, body: unknown): Promise<void> {
    const response = await fetch(`${this.mockUrl}${path}`, {
      method: 'POST',
      headers: { 'x-admin-key': MOCK_KEY, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${path} answered ${response.status}`);
    await response.body?.cancel();
  }

  importUsers(users: readonly NemesisUser[]): Promise<number | string> {
    return this.api('POST', '/api/v1/users/bulk', users);
  }

  /** The four strategies of every history; `cap` bounds the capped one. */
  async createStrategies(cap: number, topUpTarget: number): Promise<void> {
    const bodies: [StrategyRole, object][] = [
      [
        'periodic',
        {
          type: 'periodic',
          periodic_expr: '*/5 * * * * *',
          amount: 0.5,
          condition: CONDITIONS.narrow,
        },
      ],
      ['single', { type: 'single', amount: 1, condition: CONDITIONS.narrow }],
      [
        'capped',
        { type: 'single', amount: 2, condition: CONDITIONS.capped, max_users_per_occurrence: cap },
      ],
      [
        'topup',
        {
          type: 'periodic',
          periodic_expr: '*/3 * * * * *',
          mode: 'top_up',
          amount: topUpTarget,
          condition: CONDITIONS.topUp,
        },
      ],
    ];
    for (const [role, body] of bodies) {
      const replica = this.replicas.running();
      if (!replica) throw new Error('no replica running to create strategies');
      const response = await fetch(`${replica.url}/api/v1/strategies`, {
        method: 'POST',
        headers: apiHeaders,
        body: JSON.stringify({ name: `nem-${role}`, title: role, enabled: true, ...body }),
      });
      if (response.status !== 201)
        throw new Error(`creating ${role}: ${response.status} ${await response.text()}`);
      this.ids.set(role, ((await response.json()) as { id: number }).id);
    }
  }

  patch(role: StrategyRole, body: object): Promise<number | string> {
    return this.api('PATCH', `/api/v1/strategies/${this.ids.get(role)}`, body);
  }

  run(role: StrategyRole, replica: number): Promise<number | string> {
    return this.api('POST', `/api/v1/strategies/${this.ids.get(role)}/run`, undefined, replica);
  }
}
