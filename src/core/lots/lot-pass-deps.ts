// What the lot pass needs: a run's dependencies and the lot store.
import type { LotStore } from '../ports/lot-store.ts';
import type { RunDeps } from '../scan/run-deps.ts';

export type LotPassDeps = RunDeps & { lots: LotStore };
