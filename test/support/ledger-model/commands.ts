// The nemesis and the workload of the ledger model as fast-check commands: replicas take steps
// of their runs, time passes on the database's clock (a replica that takes no step meanwhile is
// stalled), deltas land early or late, replicas die, an operator resolves. Each command runs
// only when its replica is in a state to take that step, and the checker runs after every one.
import fc from 'fast-check';
import { LEASE_MS, type World } from './world.ts';

class Step implements fc.AsyncCommand<World, World> {
  constructor(
    private readonly label: string,
    private readonly can: (world: Readonly<World>) => boolean,
    private readonly act: (world: World) => unknown,
  ) {}
  check(world: Readonly<World>): boolean {
    return this.can(world);
  }
  async run(_model: World, world: World): Promise<void> {
    const did = await this.act(world);
    // The history of this very run (a step that chose what to do says what it did): the
    // shrunk command list alone does not say which way each `next` went.
    world.history.push(typeof did === 'string' ? `${this.label}: ${did}` : this.label);
    world.check(this.label);
  }
  toString(): string {
    return this.label;
  }
}

const replica = (world: Readonly<World>, index: number) => world.replicas[index];
const runOf = (world: Readonly<World>, index: number) => replica(world, index)?.run ?? null;

/** Short pauses, and the ones the lease counts with: its margin, its lifetime, two. */
const pause = fc.oneof(
  fc.integer({ min: 1, max: 1200 }),
  fc.constantFrom(LEASE_MS - 150, LEASE_MS, 2 * LEASE_MS),
);

/** How long a lease statement takes to reach the database, and its answer to come back. */
const latency = fc.constantFrom(0, 0, 40, 400);

export function ledgerCommands(replicas: number, users: number) {
  const r = fc.nat({ max: replicas - 1 });
  const step = (
    label: string,
    can: (world: Readonly<World>) => boolean,
    act: (world: World) => unknown,
  ) => new Step(label, can, act);
  const running = (p: number) => (w: Readonly<World>) => runOf(w, p) !== null;
  const next = fc.tuple(r, fc.boolean(), fc.boolean(), latency).map(([p, lost, lands, latencyMs]) =>
    step(
      `next(r${p})`,
      (w) => replica(w, p) !== undefined,
      (w) => w.replicas[p]!.next({ lost, lands, latencyMs }),
    ),
  );
  // Time passes; every running replica renews on its timer except the stalled ones.
  const passes = fc.tuple(pause, fc.nat({ max: 2 ** replicas - 1 })).map(([ms, mask]) => {
    const stalled = (i: number) => (mask & (1 << i)) !== 0;
    const names = Array.from({ length: replicas }, (_, i) => i).filter(stalled);
    const label = `${ms} ms pass${names.length > 0 ? `, r${names.join(', r')} stalled` : ''}`;
    return step(
      label,
      () => true,
      (w) => w.pass(ms, stalled),
    );
  });
  return [
    ...Array.from({ length: 30 }, () => next),
    fc.tuple(r, latency).map(([p, ms]) =>
      step(
        `acquire(r${p}, ${ms} ms)`,
        (w) => replica(w, p) !== undefined && runOf(w, p) === null,
        (w) => w.replicas[p]!.acquire(ms),
      ),
    ),
    fc
      .tuple(r, latency)
      .map(([p, ms]) =>
        step(`renew(r${p}, ${ms} ms)`, running(p), (w) => w.replicas[p]!.renew(ms)),
      ),
    passes,
    passes,
    passes,
    fc
      .tuple(r, fc.nat({ max: users - 1 }))
      .map(([p, u]) =>
        step(`claim(r${p}, u${u + 1})`, running(p), (w) => w.replicas[p]!.claim(`u${u + 1}`)),
      ),
    r.map((p) => step(`retry(r${p})`, running(p), (w) => w.replicas[p]!.retry())),
    r.map((p) => step(`settle(r${p})`, running(p), (w) => w.replicas[p]!.settle())),
    fc.tuple(r, fc.integer({ min: 1, max: 3 })).map(([p, n]) =>
      step(
        `mark(r${p}, ${n})`,
        (w) => (runOf(w, p)?.queue.length ?? 0) > 0,
        (w) => w.replicas[p]!.mark(n),
      ),
    ),
    fc.tuple(r, fc.boolean()).map(([p, lands]) =>
      step(
        `send(r${p}, ${lands ? 'lands' : 'never lands'})`,
        (w) => (runOf(w, p)?.ready.length ?? 0) > 0,
        (w) => w.replicas[p]!.send(lands),
      ),
    ),
    fc.tuple(r, fc.boolean()).map(([p, lost]) =>
      step(
        `answer(r${p}, ${lost ? 'lost' : 'heard'})`,
        (w) => (runOf(w, p)?.calls.length ?? 0) > 0,
        (w) => w.replicas[p]!.answer(lost),
      ),
    ),
    fc.nat().map((i) =>
      step(
        `land early(${i})`,
        (w) => w.gateway.inFlight().length > 0,
        (w) => {
          const deltas = w.gateway.inFlight();
          w.gateway.landEarly(deltas[i % deltas.length]!.seq);
        },
      ),
    ),
    r.map((p) =>
      step(
        `record(r${p})`,
        (w) => (runOf(w, p)?.outcomes.length ?? 0) > 0,
        (w) => w.replicas[p]!.record(),
      ),
    ),
    r.map((p) =>
      step(
        `end run(r${p})`,
        (w) => runOf(w, p)?.calls.length === 0 && runOf(w, p)?.outcomes.length === 0,
        (w) => w.replicas[p]!.end(),
      ),
    ),
    r.map((p) => step(`crash(r${p})`, running(p), (w) => w.replicas[p]!.crash())),
    fc.nat({ max: users - 1 }).map((u) =>
      step(
        `operator resolves u${u + 1}`,
        () => true,
        (w) => w.resolve(`u${u + 1}`),
      ),
    ),
  ];
}
