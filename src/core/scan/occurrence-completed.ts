// Events a run writes in a transaction of their own (there is no one change they stand for):
// occurrence.completed once a run finished an occurrence in which it recorded any grant (a
// single strategy's tick that found nobody new says nothing), and scan.failed. A failure to
// write one is logged and never fails the run it reports on.
import { domainEvent, type EventData, type EventType } from '../model/domain-event.ts';
import type { Strategy } from '../model/strategy.ts';
import type { GrantTally } from './grant-events.ts';
import type { RunDeps } from './run-deps.ts';

type Deps = Pick<RunDeps, 'events' | 'clock' | 'logger'>;

export async function recordEvent(deps: Deps, type: EventType, data: EventData): Promise<void> {
  if (deps.events === undefined) return;
  await deps.events.record([domainEvent(type, deps.clock.now(), data)]).catch((error: unknown) =>
    deps.logger.error('event not recorded', {
      type,
      error: error instanceof Error ? error.message : String(error),
    }),
  );
}

export async function reportCompleted(
  strategy: Strategy,
  occurrence: string,
  before: GrantTally,
  after: GrantTally,
  deps: Deps,
): Promise<void> {
  const granted = after.granted - before.granted;
  const failed = after.failed - before.failed;
  const unknown = after.unknown - before.unknown;
  if (granted + failed + unknown === 0) return;
  await recordEvent(deps, 'occurrence.completed', {
    strategy_id: strategy.id,
    strategy_name: strategy.name,
    occurrence,
    granted,
    granted_amount: (after.grantedCents - before.grantedCents) / 100,
    failed,
    unknown,
  });
}
