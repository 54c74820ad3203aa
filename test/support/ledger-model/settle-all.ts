// The end of every model run: every stall ends, the settle times pass, and a fresh replica runs
// the strategy until nothing is left to do — then every grant must be `applied` or `unknown`.
// An operator then resolves the `unknown` ones from the gateway's log, and one more round of
// runs must leave every grant applied exactly once.
import { Replica } from './replica.ts';
import type { World } from './world.ts';

const ROUNDS = 6;

/** Each replica wakes: its calls end (as timeouts, the worst case), it records and stops. */
async function wakeEveryone(world: World): Promise<void> {
  for (const replica of world.replicas) {
    const run = replica.run;
    if (run === null) continue;
    while (run.calls.length > 0) await replica.answer(true);
    await replica.record();
    await replica.end();
    world.check(`${replica.name} woke and stopped`);
  }
}

/** Whole runs of a replica nobody stalls, against a gateway that answers, until all settled. */
async function runUntilSettled(world: World, settler: Replica): Promise<void> {
  const settled = () =>
    world.users.every((u) => ['applied', 'unknown'].includes(world.rowOf(u)?.status ?? ''));
  for (let round = 0; round < ROUNDS && !settled(); round++) {
    world.clock.advance(world.leaseMs + world.gateway.options.settleMs + 1);
    await settler.acquire(0);
    const run = settler.run;
    if (run === null) throw new Error(`settler found the lease held\n${world.describe()}`);
    await settler.settle();
    await settler.retry();
    for (const userId of world.users) await settler.claim(userId);
    while (run.queue.length > 0) await settler.mark(1);
    while (run.ready.length > 0) await settler.send(true);
    while (run.calls.length > 0) await settler.answer(false);
    await settler.record();
    await settler.end();
    world.check(`settler round ${round}`);
  }
}

export async function settleAll(world: World): Promise<void> {
  await wakeEveryone(world);
  const settler = new Replica(world, 'settler', { monotonic: 0, wall: 0 });
  await runUntilSettled(world, settler);
  world.checkSettled(['applied', 'unknown']);
  // The operator asks the gateway once nothing of these grants can still be on its way.
  world.clock.advance(world.gateway.options.settleMs + 1);
  for (const userId of world.users) world.resolve(userId);
  await runUntilSettled(world, settler);
  world.checkSettled(['applied']);
}
