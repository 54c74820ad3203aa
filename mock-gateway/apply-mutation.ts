// A refresh or delta taking effect: the idempotency look-up, validation, the change to the
// balance, the remembered answer and the delta-log entry. Synchronous on purpose: nothing awaits
// between the look-up and the apply, so two requests with one key cannot interleave, whenever the
// apply runs (at once, after a hold, or long after the client gave up).
import type { DeltaLog } from './delta-log.ts';
import { envelopeBody } from './envelope.ts';
import { fromHundredths, parseHundredths } from './money.ts';
import type { Balance, MockStore, RememberedAnswer } from './store.ts';

const MAX_USER_ID_LENGTH = 256;

export function validUserId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_USER_ID_LENGTH;
}

/** The `data` of every balance answer: the balance after the request. */
export function balanceData(store: MockStore, balance: Balance, type: string, userId: string) {
  return { user_id: userId, quota: fromHundredths(store.get(balance, userId)), type };
}

/**
 * What a user can spend: the total less what was used. Under the single-counter protocol `used`
 * never moves (spending lowers the counter itself), so the same difference is the counter.
 */
function remaining(store: MockStore, userId: string): number {
  return store.get('quota', userId) - store.get('used', userId);
}

export interface MutationRoute {
  balance: Balance;
  /** `total_quota`, `used_quota` or `quota`: the `type` of the answers. */
  type: string;
  /** refresh sets the balance from the `quota` field, delta adds the `value` field (Higress names). */
  op: 'refresh' | 'delta';
  /** Remembered keys are per route, so a key reused on another route is a new operation. */
  path: string;
}

export interface MutationRequest {
  form: Record<string, unknown>;
  idempotencyKey: string | undefined;
  /** Epoch milliseconds, when the handler started (before any injected latency or hold). */
  receivedAt: number;
}

export interface MutationDeps {
  store: MockStore;
  log: DeltaLog;
  /** Read when the mutation applies, not when it arrived: the setting may change meanwhile. */
  honourIdempotency: () => boolean;
  now: () => number;
  changed: () => void;
}

export interface MutationOutcome {
  answer: RememberedAnswer;
  /** True only when this request changed the balance (not a replay, not a refusal). */
  applied: boolean;
}

export function applyMutation(
  deps: MutationDeps,
  route: MutationRoute,
  request: MutationRequest,
): MutationOutcome {
  const field = route.op === 'refresh' ? 'quota' : 'value';
  const userId = request.form.user_id;
  const raw = request.form[field];
  const hundredths = typeof raw === 'string' ? parseHundredths(raw) : null;
  const refuse = (message: string): MutationOutcome => ({
    answer: { status: 400, body: envelopeBody(400, message) },
    applied: false,
  });
  // Only grants are logged (the total quota, or the single counter): the `used` balance moves
  // when users spend, which the daemon's ledger does not record.
  const record = (replay: boolean) => {
    if (route.balance !== 'quota' || !validUserId(userId) || hundredths === null) return;
    deps.log.append({
      userId,
      hundredths,
      idempotencyKey: request.idempotencyKey ?? null,
      kind: route.op,
      receivedAt: request.receivedAt,
      appliedAt: deps.now(),
      replay,
      remainingAfter: remaining(deps.store, userId),
    });
  };

  // A repeated key gets the first answer and changes nothing (when the gateway honours keys).
  // Its log entry carries the repeat's own body; a repeat whose body is invalid is not logged.
  const key = request.idempotencyKey;
  const memoKey = deps.honourIdempotency() && key ? `${route.path}\n${key}` : undefined;
  const remembered = memoKey ? deps.store.recall(memoKey) : undefined;
  if (remembered) {
    record(true);
    deps.changed(); // the replay counter moved
    return { answer: remembered, applied: false };
  }

  if (!validUserId(userId)) return refuse('user_id is required (1-256 characters)');
  if (hundredths === null)
    return refuse(`${field} must be a decimal with at most 2 decimal places`);
  if (route.op === 'refresh' && hundredths < 0) return refuse(`${field} must not be negative`);
  if (route.op === 'refresh') deps.store.set(route.balance, userId, hundredths);
  else if (deps.store.add(route.balance, userId, hundredths) === null)
    return refuse(`${field} would take the balance out of range`);

  const answer: RememberedAnswer = {
    status: 200,
    body: envelopeBody(
      200,
      `${route.op} ${route.type} successful`,
      balanceData(deps.store, route.balance, route.type, userId),
    ),
  };
  if (memoKey) deps.store.remember(memoKey, answer);
  record(false);
  deps.changed();
  return { answer, applied: true };
}
