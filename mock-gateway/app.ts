// The mock AI gateway as a Hono app: the Higress ai-quota admin protocol under a configurable
// admin path, plus `/__mock/*` control routes that tests use to read state and inject faults.
// Everything here is reachable without a socket (`app.request`), except dropping a connection,
// which needs the Node socket that @hono/node-server passes in as `c.env.incoming`.
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { adminAuth } from './auth.ts';
import { createControlRoutes } from './control-routes.ts';
import { envelope, type MockContext } from './envelope.ts';
import {
  applyFaultsPatch,
  defaultFaults,
  faultsPatchSchema,
  roll,
  type Faults,
  type FaultsPatch,
} from './faults.ts';
import { fromHundredths, parseHundredths } from './money.ts';
import {
  MockStore,
  type Balance,
  type MockState,
  type PersistedState,
  type RememberedAnswer,
} from './store.ts';

export const DEFAULT_ADMIN_PATH = '/v1/chat/completions/quota';
export const DEFAULT_AUTH_HEADER = 'x-admin-key';
export const DEFAULT_AUTH_VALUE = 'mock-admin-key';
const MAX_USER_ID_LENGTH = 256;

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
  /** Empties the state and stops every fault, like `POST /__mock/reset`. */
  reset: () => void;
  /** The persistence layer loads a saved state through this. */
  restore(persisted: unknown): void;
  persisted(): PersistedState;
  /** Stops waiting handlers (added latency) so shutdown is prompt; they then apply nothing. */
  dispose(): void;
}

/** `quota/` → `/quota`. The root is refused: the control routes and 404s must stay distinguishable. */
function normaliseAdminPath(path: string): string {
  const normalised = `/${path.replace(/^\/+|\/+$/g, '')}`;
  if (normalised === '/') throw new Error('mock gateway adminPath must not be the root path');
  return normalised;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
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

function validUserId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_USER_ID_LENGTH;
}

export function createMockGatewayApp(options: MockGatewayOptions = {}): MockGateway {
  const adminPath = normaliseAdminPath(options.adminPath ?? DEFAULT_ADMIN_PATH);
  const authHeader = options.authHeader ?? DEFAULT_AUTH_HEADER;
  const authValue = options.authValue ?? DEFAULT_AUTH_VALUE;
  const initialHonour = options.honourIdempotency ?? false;
  const random = options.random ?? Math.random;
  const changed = options.onChange ?? (() => {});
  const protocol = options.balance ?? 'total_minus_used';
  const lifecycle = new AbortController();
  const store = new MockStore();
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

  /** Applied, then the connection is destroyed unanswered: the client cannot know it worked. */
  function dropConnection(c: MockContext): boolean {
    // Under app.request() there is no socket; the answer is then given normally.
    const socket = (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket;
    if (!socket) return false;
    socket.destroy();
    return true;
  }

  const balances: { balance: Balance; prefix: string; type: string }[] =
    protocol === 'quota'
      ? [{ balance: 'quota', prefix: adminPath, type: 'quota' }]
      : [
          { balance: 'quota', prefix: adminPath, type: 'total_quota' },
          { balance: 'used', prefix: `${adminPath}/used`, type: 'used_quota' },
        ];

  for (const { balance, prefix, type } of balances) {
    const answer = (userId: string) => ({
      user_id: userId,
      quota: fromHundredths(store.get(balance, userId)),
      type,
    });

    app.get(prefix, async (c) => {
      const fault = await injectFaults(c);
      if (fault) return fault;
      const userId = c.req.query('user_id');
      if (!validUserId(userId)) return envelope(c, 400, 'user_id is required (1-256 characters)');
      return envelope(c, 200, `query ${type} successful`, answer(userId));
    });

    // refresh sets the balance, delta adds to it; the form field names follow the Higress plugin.
    const mutations = [
      {
        op: 'refresh',
        field: 'quota',
        apply: (user: string, v: number) => (store.set(balance, user, v), true),
      },
      {
        op: 'delta',
        field: 'value',
        apply: (user: string, v: number) => store.add(balance, user, v) !== null,
      },
    ] as const;

    for (const { op, field, apply } of mutations) {
      const path = `${prefix}/${op}`;
      app.post(path, async (c) => {
        const fault = await injectFaults(c);
        if (fault) return fault;

        let form: Record<string, unknown>;
        try {
          form = await readForm(c);
        } catch {
          return envelope(c, 400, 'body must be form-encoded');
        }
        // From here to the answer nothing awaits, so two requests with the same key cannot
        // interleave between the look-up and the apply.

        // A repeated key gets the first answer and changes nothing (when the gateway honours keys).
        const key = c.req.header('idempotency-key');
        const memoKey = faults.honour_idempotency && key ? `${path}\n${key}` : undefined;
        const remembered = memoKey ? store.recall(memoKey) : undefined;
        if (remembered) {
          changed(); // the replay counter moved
          return c.json(remembered.body, remembered.status as ContentfulStatusCode);
        }

        const userId = form.user_id;
        if (!validUserId(userId)) return envelope(c, 400, 'user_id is required (1-256 characters)');
        const raw = form[field];
        const hundredths = typeof raw === 'string' ? parseHundredths(raw) : null;
        if (hundredths === null)
          return envelope(c, 400, `${field} must be a decimal with at most 2 decimal places`);
        if (op === 'refresh' && hundredths < 0)
          return envelope(c, 400, `${field} must not be negative`);
        if (!apply(userId, hundredths))
          return envelope(c, 400, `${field} would take the balance out of range`);

        const result: RememberedAnswer = {
          status: 200,
          body: {
            code: 200,
            message: `${op} ${type} successful`,
            success: true,
            data: answer(userId),
          },
        };
        if (memoKey) store.remember(memoKey, result);
        changed();

        if (roll(faults.drop_after_apply_rate, random) && dropConnection(c)) {
          // The socket is gone; this answer is never delivered.
          failingAfterDrop = faults.fail_after_drop;
          return c.body(null, 204);
        }
        return c.json(result.body, 200);
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
      reset,
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
    store.clear();
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
    reset,
    restore: (persisted) => store.restore(persisted),
    persisted: () => store.toPersisted(),
    dispose: () => lifecycle.abort(),
  };
}
