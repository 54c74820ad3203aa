// The mock AI gateway as a Hono app: the Higress ai-quota admin protocol under a configurable
// admin path, plus `/__mock/*` control routes that tests use to read state and inject faults.
// Everything here is reachable without a socket (`app.request`), except dropping a connection,
// which needs the Node socket that @hono/node-server passes in as `c.env.incoming`.
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import {
  applyMutation,
  balanceData,
  validUserId,
  type MutationDeps,
  type MutationRoute,
} from './apply-mutation.ts';
import { adminAuth } from './auth.ts';
import { createControlRoutes } from './control-routes.ts';
import { applyWithTiming, AT_ONCE, planDelta } from './delta-faults.ts';
import { DeltaLog, deltaPageQuery, type DeltaPage } from './delta-log.ts';
import { envelope, type MockContext } from './envelope.ts';
import { LARGE_COUNTER_REFUSAL, LargeCounters } from './large-counters.ts';
import {
  applyFaultsPatch,
  defaultFaults,
  faultsPatchSchema,
  roll,
  type Faults,
  type FaultsPatch,
} from './faults.ts';
import { sleep } from './sleep.ts';
import { MockStore, type Balance, type MockState, type PersistedState } from './store.ts';

export const DEFAULT_ADMIN_PATH = '/v1/chat/completions/quota';
export const DEFAULT_AUTH_HEADER = 'x-admin-key';
export const DEFAULT_AUTH_VALUE = 'mock-admin-key';

export interface MockGatewayOptions {
  adminPath?: string;
  authHeader?: string;
  authValue?: string;
  /**
   * Default false, like the real Higress ai-quota plugin, which ignores Idempotency-Key (so the
   * daemon is tested against what it will meet); true applies a repeated key only once.
   */
  honourIdempotency?: boolean;
  /** Dice for fault rates; injectable so a test can make a 0.5 rate deterministic. */
  random?: () => number;
  /** Epoch milliseconds for the delta log's timestamps; default Date.now. */
  now?: () => number;
  /** Entries the delta log keeps before dropping the oldest; default 1 000 000. */
  deltaLogCapacity?: number;
  /** Called after every change to the balances or counters (the persistence hook). */
  onChange?: () => void;
  /**
   * How the gateway keeps a balance. `total_minus_used` (default): a total and a used counter,
   * as the x-admin-key / user_id plugin does. `quota`: one remaining counter, as the original
   * upstream plugin does: there are no `used` routes, and spending lowers the quota itself.
   */
  balance?: MockBalanceProtocol;
}

export type MockBalanceProtocol = 'total_minus_used' | 'quota';

// The functions are closures over one gateway's state, not methods: they may be passed around
// on their own (server.ts does), so they are declared as properties.
export interface MockGateway {
  app: Hono<{ Bindings: HttpBindings }>;
  state: () => MockState;
  faults: () => Faults;
  /** Same rules as `POST /__mock/faults`; throws a ZodError for an invalid patch. */
  setFaults: (patch: FaultsPatch) => Faults;
  /**
   * A user spends `amount` (like `POST /__mock/consume`): the used counter goes up, or on a
   * single-counter gateway the quota goes down. Returns false when it would overflow.
   */
  consume(userId: string, amount: number): boolean;
  /**
   * A page of the delta log, like `GET /__mock/deltas?after=&limit=` (defaults 0 and 1000);
   * throws a ZodError for a value the route would refuse.
   */
  deltaLog(after?: number, limit?: number): DeltaPage;
  /**
   * Empties the state and the delta log, stops every fault and drops deltas still held or due
   * late (they are never applied), like `POST /__mock/reset`.
   */
  reset: () => void;
  /** The persistence layer loads a saved state through this. */
  restore(persisted: unknown): void;
  persisted(): PersistedState;
  /**
   * Stops waiting handlers (added latency, held, reordered and late deltas) so shutdown is
   * prompt; they then apply nothing. A restart therefore loses every delta still waiting: a
   * nemesis must not restart the mock while deltas are held, or must count them as lost.
   */
  dispose(): void;
}

/** `quota/` → `/quota`. The root is refused: the control routes and 404s must stay distinguishable. */
function normaliseAdminPath(path: string): string {
  const normalised = `/${path.replace(/^\/+|\/+$/g, '')}`;
  if (normalised === '/') throw new Error('mock gateway adminPath must not be the root path');
  return normalised;
}

/**
 * The form fields of a POST. URL-encoded bodies (what the Higress plugin and our client send)
 * are parsed directly: Hono's parseBody goes through the fetch API's FormData, which was the
 * largest single cost of a mock request under a scan's load. Other types keep parseBody.
 */
async function readForm(c: MockContext): Promise<Record<string, unknown>> {
  if (/^application\/x-www-form-urlencoded\b/i.test(c.req.header('content-type') ?? '')) {
    return Object.fromEntries(new URLSearchParams(await c.req.text()));
  }
  return c.req.parseBody();
}

export function createMockGatewayApp(options: MockGatewayOptions = {}): MockGateway {
  const adminPath = normaliseAdminPath(options.adminPath ?? DEFAULT_ADMIN_PATH);
  const authHeader = options.authHeader ?? DEFAULT_AUTH_HEADER;
  const authValue = options.authValue ?? DEFAULT_AUTH_VALUE;
  const initialHonour = options.honourIdempotency ?? false;
  const random = options.random ?? Math.random;
  const changed = options.onChange ?? (() => {});
  const protocol = options.balance ?? 'total_minus_used';
  const now = options.now ?? Date.now;
  const lifecycle = new AbortController();
  /** Aborted by reset and shutdown: deltas still held or due late are then dropped unapplied. */
  let waiting = new AbortController();
  const store = new MockStore();
  const large = new LargeCounters();
  /** Query requests answered (GET /__mock/queries): tests see when a client stops reading. */
  let queries = 0;
  const log = new DeltaLog(options.deltaLogCapacity);
  let faults = defaultFaults(initialHonour);
  /** Requests still to be failed after a dropped answer (Faults.fail_after_drop). */
  let failingAfterDrop = 0;

  const app = new Hono<{ Bindings: HttpBindings }>();

  app.use('*', adminAuth(authHeader, authValue));

  /**
   * What a real gateway may do to any protocol request: be slow, or fail outright before
   * applying anything. Returns an answer when the request must stop here.
   */
  async function injectFaults(c: MockContext): Promise<Response | undefined> {
    await sleep(faults.latency_ms, lifecycle.signal);
    if (lifecycle.signal.aborted) return envelope(c, 503, 'mock gateway is shutting down');
    if (failingAfterDrop > 0) {
      failingAfterDrop -= 1;
      return envelope(c, faults.status, 'injected failure after a dropped answer');
    }
    if (!roll(faults.failure_rate, random)) return undefined;
    if (faults.status === 429 && faults.retry_after_s !== undefined) {
      c.header('Retry-After', String(faults.retry_after_s));
    }
    return envelope(c, faults.status, 'injected failure');
  }

  /**
   * Destroys the connection unanswered, so the client cannot know whether the request took
   * effect (drop_after_apply: it did; late_apply: it will).
   */
  function dropConnection(c: MockContext): boolean {
    // Under app.request() there is no socket; the answer is then given normally.
    const socket = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket;
    if (!socket) return false;
    socket.destroy();
    return true;
  }

  const mutationDeps: MutationDeps = {
    store,
    log,
    honourIdempotency: () => faults.honour_idempotency,
    now,
    changed,
  };

  const balances: { balance: Balance; prefix: string; type: string }[] =
    protocol === 'quota'
      ? [{ balance: 'quota', prefix: adminPath, type: 'quota' }]
      : [
          { balance: 'quota', prefix: adminPath, type: 'total_quota' },
          { balance: 'used', prefix: `${adminPath}/used`, type: 'used_quota' },
        ];

  for (const { balance, prefix, type } of balances) {
    app.get(prefix, async (c) => {
      const fault = await injectFaults(c);
      if (fault) return fault;
      const userId = c.req.query('user_id');
      if (!validUserId(userId)) return envelope(c, 400, 'user_id is required (1-256 characters)');
      queries += 1;
      if (large.holds(balance, userId))
        return c.body(large.answer(balance, type, userId), 200, {
          'content-type': 'application/json',
        });
      const data = balanceData(store, balance, type, userId);
      return envelope(c, 200, `query ${type} successful`, data);
    });

    for (const op of ['refresh', 'delta'] as const) {
      const route: MutationRoute = { balance, type, op, path: `${prefix}/${op}` };
      // The timing faults are for grants: deltas to the total quota (or the single counter).
      const timed = op === 'delta' && balance === 'quota';
      app.post(route.path, async (c) => {
        const receivedAt = now();
        const fault = await injectFaults(c);
        if (fault) return fault;

        let form: Record<string, unknown>;
        try {
          form = await readForm(c);
        } catch {
          return envelope(c, 400, 'body must be form-encoded');
        }
        if (large.holds(balance, form.user_id)) return envelope(c, 400, LARGE_COUNTER_REFUSAL);
        const request = { form, idempotencyKey: c.req.header('idempotency-key'), receivedAt };
        const apply = () => applyMutation(mutationDeps, route, request);

        const timing = timed ? planDelta(faults, random) : AT_ONCE;
        const drop = () => dropConnection(c);
        const outcome = await applyWithTiming(timing, waiting.signal, drop, apply);
        // late: the client already saw its socket reset; the delta lands later.
        if (outcome.kind === 'late') return c.body(null, 204);
        if (outcome.kind === 'dropped')
          return envelope(c, 503, 'held delta dropped by a reset or shutdown');

        const { answer, applied } = outcome.result;
        if (applied && roll(faults.drop_after_apply_rate, random) && dropConnection(c)) {
          // The socket is gone; this answer is never delivered.
          failingAfterDrop = faults.fail_after_drop;
          return c.body(null, 204);
        }
        return c.json(answer.body, answer.status as ContentfulStatusCode);
      });
    }
  }

  function consume(userId: string, hundredths: number): boolean {
    const moved =
      protocol === 'quota'
        ? store.adjust('quota', userId, -hundredths)
        : store.adjust('used', userId, hundredths);
    if (moved !== null) changed();
    return moved !== null;
  }

  app.route(
    '/__mock',
    createControlRoutes({
      consume,
      state: () => store.snapshot(),
      deltaLog: (after, limit) => log.page(after, limit),
      reset,
      large,
      queries: () => queries,
      faults: () => faults,
      patchFaults,
    }),
  );

  app.notFound((c) => envelope(c, 404, `no route for ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    console.error('mock gateway: unexpected error', error);
    return envelope(c, 500, 'internal error');
  });

  /** `{}` and `fail_after_drop: 0` also end a failure streak already running. */
  function patchFaults(patch: ReturnType<typeof faultsPatchSchema.parse>): Faults {
    faults = applyFaultsPatch(faults, patch);
    if (faults.fail_after_drop === 0) failingAfterDrop = 0;
    return faults;
  }

  function reset(): void {
    waiting.abort();
    waiting = new AbortController();
    store.clear();
    large.clear();
    queries = 0;
    log.clear();
    faults = defaultFaults(initialHonour);
    failingAfterDrop = 0;
    changed();
  }

  return {
    app,
    state: () => store.snapshot(),
    faults: () => ({ ...faults }),
    setFaults: (patch) => {
      patchFaults(faultsPatchSchema.parse(patch));
      return { ...faults };
    },
    consume: (userId, amount) => consume(userId, Math.round(amount * 100)),
    deltaLog: (after, limit) => {
      const query = deltaPageQuery.parse({ after, limit });
      return log.page(query.after, query.limit);
    },
    reset,
    restore: (persisted) => store.restore(persisted),
    persisted: () => store.toPersisted(),
    dispose: () => {
      lifecycle.abort();
      waiting.abort();
    },
  };
}
