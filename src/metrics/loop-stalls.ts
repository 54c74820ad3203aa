// Where the event loop stalls, by scan phase. The daemon serves the API and runs scans on one
// event loop, so a long synchronous section in a scan (a SQLite statement, a big page of rows
// to map, a GC of a large heap) delays every request queued behind it. This module keeps a
// "current phase" (set by whoever enters one: the phase-tracked store and gateway, the API
// gate, the scanner) and a fine timer whose lateness is the loop's delay; each late tick is
// charged to a phase:
//   - a section timed directly (`section()`: a SQLite statement, which runs synchronously)
//     that explains at least half of the lateness is charged to the phase of the database call
//     that issued it (the last store call entered; gateway calls do not count, they issue no
//     statements);
//   - else `gc` when garbage-collection pauses (perf_hooks `gc` entries) explain at least half
//     of it: their entries arrive a little after the pause, so a tick is charged one tick later;
//   - otherwise to the phase most recently entered, an approximation: with the delivery
//     pipeline, claims, deliveries and outcome writes interleave, so a stall shortly after a
//     phase change may belong to the phase before.
// The figures land in a Prometheus histogram (quota_manager_event_loop_delay_seconds{phase})
// and in snapshot() for the benchmarks.
import { PerformanceObserver } from 'node:perf_hooks';
import { Histogram, type Registry } from 'prom-client';

export const SCAN_PHASES = [
  'gc',
  'idle',
  'api',
  'strategy_check',
  'lease',
  'candidates',
  'claim',
  'delivery',
  'outcome_write',
  'reconcile',
  'budget_check',
  'occurrence_bookkeeping',
  'change_position',
] as const;
export type ScanPhase = (typeof SCAN_PHASES)[number];

/** Delay buckets in seconds: from "fine" (≤ 5 ms) to a stall an operator feels (≥ 100 ms). */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export interface PhaseDelay {
  /** Timer ticks charged to the phase (each ~resolutionMs of loop time when all is well). */
  samples: number;
  /** Ticks that came at least 50 ms late. */
  over50ms: number;
  /** Ticks that came at least 15 ms late. */
  over15ms: number;
  maxMs: number;
  /** Sum of the lateness charged to the phase, in ms. */
  totalMs: number;
}

export interface LoopStallsOptions {
  registry: Registry;
  /** Metric name prefix, e.g. `quota_manager_`. */
  prefix: string;
  /** Timer period in ms; lateness below it is not resolved (default 5). */
  resolutionMs?: number;
  /** Wall clock in ms (tests pass a fake; default performance.now). */
  now?: () => number;
}

export class LoopStallMonitor {
  private phase: ScanPhase = 'idle';
  /** The phase of the last database call entered: what a SQLite statement is charged to. */
  private statementPhase: ScanPhase = 'idle';
  /** The longest directly timed section since the last tick. */
  private longest: { phase: ScanPhase; ms: number } | null = null;
  private readonly histogram: Histogram<'phase'>;
  private readonly sectionHistogram: Histogram<'phase'>;
  private readonly totals = new Map<ScanPhase, PhaseDelay>();
  private readonly resolutionMs: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private gcObserver: PerformanceObserver | undefined;
  private expected = 0;
  private lastTickAt = 0;
  /** GC pauses seen recently, [start, end] in the clock's ms, oldest first. */
  private gcPauses: [number, number][] = [];
  /** The last tick, charged at the next one (once the GC entries of its window have arrived). */
  private pending: { from: number; to: number; lateMs: number; phase: ScanPhase } | null = null;

  constructor(options: LoopStallsOptions) {
    this.resolutionMs = options.resolutionMs ?? 5;
    this.now = options.now ?? (() => performance.now());
    this.histogram = new Histogram({
      name: `${options.prefix}event_loop_delay_seconds`,
      help:
        'How late a fine timer fired on the event loop (the delay an API request would have waited), ' +
        'by the scan phase charged with it (idle: no scan; api: a request was being served)',
      labelNames: ['phase'],
      buckets: BUCKETS,
      registers: [options.registry],
    });
    this.sectionHistogram = new Histogram({
      name: `${options.prefix}sqlite_statement_seconds`,
      help: 'SQLite statements (they run synchronously on the event loop), by the scan phase that issued them',
      labelNames: ['phase'],
      buckets: BUCKETS,
      registers: [options.registry],
    });
  }

  /** The phase from now on (until another is entered). Cheap: one assignment. */
  enter(phase: ScanPhase): void {
    this.phase = phase;
    this.statementPhase = phase;
  }

  /**
   * A phase that issues no database statements (a gateway call): it takes the loop's delay
   * from now on, but a SQLite statement still belongs to the database call entered before it
   * (calls to the gateway start between a store call and its statement all the time).
   */
  enterWithoutStatements(phase: ScanPhase): void {
    this.phase = phase;
  }

  current(): ScanPhase {
    return this.phase;
  }

  /** The phase a SQLite statement running now is charged to. */
  currentStatementPhase(): ScanPhase {
    return this.statementPhase;
  }

  /** A synchronous SQLite statement measured by its caller, in ms. */
  section(ms: number): void {
    const phase = this.statementPhase;
    this.sectionHistogram.observe({ phase }, ms / 1000);
    if (this.longest === null || ms > this.longest.ms) this.longest = { phase, ms };
  }

  /** A GC pause (from perf_hooks; public for tests with a fake clock). */
  gcPause(startMs: number, durationMs: number): void {
    this.gcPauses.push([startMs, startMs + durationMs]);
  }

  /** Starts the timer (unref'd: it never keeps the process alive) and the GC observer. */
  start(): void {
    if (this.timer) return;
    this.lastTickAt = this.now();
    this.expected = this.lastTickAt + this.resolutionMs;
    this.timer = setInterval(() => this.tick(), this.resolutionMs);
    this.timer.unref();
    this.gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) this.gcPause(entry.startTime, entry.duration);
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.gcObserver?.disconnect();
    this.gcObserver = undefined;
    this.settlePending();
  }

  /** One timer tick: measures its lateness, charges the tick before. Public for fake clocks. */
  tick(): void {
    const at = this.now();
    const lateMs = Math.max(0, at - this.expected);
    this.expected = at + this.resolutionMs;
    const longest = this.longest;
    this.longest = null;
    const phase = longest !== null && longest.ms * 2 >= lateMs ? longest.phase : this.phase;
    this.settlePending();
    this.pending = { from: this.lastTickAt, to: at, lateMs, phase };
    this.lastTickAt = at;
  }

  /** Charges the pending tick: to `gc` if GC pauses in its window explain half its lateness. */
  private settlePending(): void {
    const tick = this.pending;
    if (tick === null) return;
    this.pending = null;
    let gcMs = 0;
    for (const [start, end] of this.gcPauses)
      gcMs += Math.max(0, Math.min(end, tick.to) - Math.max(start, tick.from));
    this.gcPauses = this.gcPauses.filter(([, end]) => end > tick.to);
    const phase = tick.lateMs > 0 && gcMs * 2 >= tick.lateMs ? 'gc' : tick.phase;
    this.record(phase, tick.lateMs);
  }

  private record(phase: ScanPhase, lateMs: number): void {
    this.histogram.observe({ phase }, lateMs / 1000);
    const total = this.totals.get(phase) ?? {
      samples: 0,
      over50ms: 0,
      over15ms: 0,
      maxMs: 0,
      totalMs: 0,
    };
    total.samples++;
    if (lateMs >= 50) total.over50ms++;
    if (lateMs >= 15) total.over15ms++;
    total.maxMs = Math.max(total.maxMs, lateMs);
    total.totalMs += lateMs;
    this.totals.set(phase, total);
  }

  /** Per-phase figures since the start (for benchmark reports). */
  snapshot(): Partial<Record<ScanPhase, PhaseDelay>> {
    const out: Partial<Record<ScanPhase, PhaseDelay>> = {};
    for (const [phase, t] of this.totals)
      out[phase] = { ...t, maxMs: round(t.maxMs), totalMs: round(t.totalMs) };
    return out;
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
