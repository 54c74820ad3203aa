// `/__mock/*`: how tests read the mock's state and steer its faults. These routes are never
// failed or delayed by the faults themselves, so a test can always switch them off again.
import type { HttpBindings } from '@hono/node-server';
import { Hono } from 'hono';
import type { z } from 'zod';
import { deltaPageQuery, type DeltaPage } from './delta-log.ts';
import { envelope } from './envelope.ts';
import { faultsPatchSchema, type Faults } from './faults.ts';
import type { LargeCounters } from './large-counters.ts';
import { parseHundredths } from './money.ts';
import type { MockState } from './store.ts';

export interface MockControls {
  /** A user spends quota (amount in hundredths); false when it would overflow. */
  consume(userId: string, hundredths: number): boolean;
  state(): MockState;
  /** Delta-log entries with seq > after, at most `limit`. */
  deltaLog(after: number, limit: number): DeltaPage;
  reset(): void;
  /** Counters answered as literal numbers of any size (POST /counters). */
  large: LargeCounters;
  /** Query requests (GET of a counter) answered since the start or the last reset. */
  queries(): number;
  faults(): Faults;
  /** Applies an already validated patch; returns the resulting faults. */
  patchFaults(patch: ReturnType<typeof faultsPatchSchema.parse>): Faults;
}

export function createControlRoutes(controls: MockControls): Hono<{ Bindings: HttpBindings }> {
  const routes = new Hono<{ Bindings: HttpBindings }>();
  routes.get('/state', (c) => c.json(controls.state()));
  routes.get('/deltas', (c) => {
    const parsed = deltaPageQuery.safeParse(c.req.query());
    if (!parsed.success) return envelope(c, 400, describeIssue(parsed.error));
    return c.json(controls.deltaLog(parsed.data.after, parsed.data.limit));
  });
  routes.post('/reset', (c) => {
    controls.reset();
    return c.json(controls.state());
  });
  // Simulates a user spending quota through the gateway, the way the plugin counts tokens: not a
  // protocol request, so it is neither failed nor delayed, and it is not a grant (`deltas`).
  routes.post('/consume', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return envelope(c, 400, 'body must be a JSON object');
    }
    const { user_id: userId, amount } = (body ?? {}) as { user_id?: unknown; amount?: unknown };
    const hundredths = typeof amount === 'number' ? parseHundredths(String(amount)) : null;
    if (typeof userId !== 'string' || userId.length === 0 || hundredths === null)
      return envelope(
        c,
        400,
        'expected {"user_id": string, "amount": decimal with at most 2 places}',
      );
    if (!controls.consume(userId, hundredths))
      return envelope(c, 400, 'amount would take the balance out of range');
    return c.json(controls.state());
  });
  // A counter held as a literal number of any size, e.g. above 2^53 (large-counters.ts).
  routes.post('/counters', async (c) => {
    const body = (await c.req.json().catch(() => null)) as Record<string, unknown> | null;
    const userId = body?.user_id;
    if (
      typeof userId !== 'string' ||
      userId.length === 0 ||
      !controls.large.set(userId, { quota: body?.quota, used: body?.used })
    )
      return envelope(
        c,
        400,
        'expected {"user_id": string, "quota"?: "digits", "used"?: "digits"}',
      );
    return c.json({ user_id: userId, quota: body?.quota ?? null, used: body?.used ?? null });
  });
  routes.get('/queries', (c) => c.json({ queries: controls.queries() }));
  routes.get('/faults', (c) => c.json(faultsView(controls.faults())));
  routes.post('/faults', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return envelope(c, 400, 'body must be a JSON object');
    }
    const parsed = faultsPatchSchema.safeParse(body);
    if (!parsed.success) return envelope(c, 400, describeIssue(parsed.error));
    return c.json(faultsView(controls.patchFaults(parsed.data)));
  });
  return routes;
}

/** The first problem, prefixed by the field it concerns. */
function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue?.message ?? 'invalid input'}`;
}

/** JSON view of the faults: an unset Retry-After shows as null rather than vanishing. */
function faultsView(faults: Faults): Record<string, unknown> {
  return { ...faults, retry_after_s: faults.retry_after_s ?? null };
}
