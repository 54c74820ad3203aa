// Reads a running daemon's /metrics for the benchmarks: the memory breakdown prom-client's
// default metrics give (RSS, V8 heap and its spaces, external and array buffers) and the
// event-loop delay by scan phase (src/metrics/loop-stalls.ts).

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export async function scrapeMetrics(url: string): Promise<Sample[]> {
  const response = await fetch(`${url}/metrics`);
  const samples: Sample[] = [];
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[pair[1]!] = pair[2]!;
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

const mb = (bytes: number | undefined) =>
  bytes === undefined ? null : Math.round(bytes / 1048576);

function value(samples: Sample[], name: string, labels: Record<string, string> = {}) {
  return samples.find(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  )?.value;
}

/** Where the daemon's memory is, in MB: RSS, V8 heap (used/total, by space), outside V8. */
export function memoryBreakdown(samples: Sample[]) {
  const spaces: Record<string, { usedMb: number | null; sizeMb: number | null }> = {};
  for (const s of samples.filter((s) => s.name === 'nodejs_heap_space_size_total_bytes'))
    spaces[s.labels.space!] = {
      usedMb: mb(value(samples, 'nodejs_heap_space_size_used_bytes', { space: s.labels.space! })),
      sizeMb: mb(s.value),
    };
  const rss = value(samples, 'process_resident_memory_bytes');
  const heapTotal = value(samples, 'nodejs_heap_size_total_bytes');
  const external = value(samples, 'nodejs_external_memory_bytes');
  return {
    rssMb: mb(rss),
    heapUsedMb: mb(value(samples, 'nodejs_heap_size_used_bytes')),
    heapTotalMb: mb(heapTotal),
    externalMb: mb(external),
    // RSS neither in V8's heap nor in its external memory: the binary, native modules (SQLite's
    // page cache, pg's buffers), thread stacks and malloc's free lists.
    outsideV8Mb: mb(
      rss === undefined || heapTotal === undefined ? undefined : rss - heapTotal - (external ?? 0),
    ),
    spaces,
  };
}

export interface PhaseFigures {
  count: number;
  totalMs: number;
  over10ms: number;
  over50ms: number;
  over250ms: number;
}

/**
 * A histogram labelled by phase, summed up: how many samples, and how many were long; minus
 * `since` (the same figures scraped earlier) when given.
 */
export function byPhase(
  samples: Sample[],
  histogram: string,
  since: Record<string, PhaseFigures> = {},
): Record<string, PhaseFigures> {
  const out: Record<string, PhaseFigures> = {};
  for (const s of samples.filter((s) => s.name === `${histogram}_count`)) {
    const phase = s.labels.phase!;
    const within = (le: string) => value(samples, `${histogram}_bucket`, { phase, le }) ?? 0;
    const earlier = since[phase];
    out[phase] = {
      count: s.value - (earlier?.count ?? 0),
      totalMs:
        Math.round((value(samples, `${histogram}_sum`, { phase }) ?? 0) * 1000) -
        (earlier?.totalMs ?? 0),
      over10ms: s.value - within('0.01') - (earlier?.over10ms ?? 0),
      over50ms: s.value - within('0.05') - (earlier?.over50ms ?? 0),
      over250ms: s.value - within('0.25') - (earlier?.over250ms ?? 0),
    };
  }
  return out;
}

type GcFigures = Record<string, { count: number; totalMs: number; over100ms: number }>;

/** GC pauses by kind (prom-client's nodejs_gc_duration_seconds): count, total, ≥ 100 ms. */
export function gcPauses(samples: Sample[], since: GcFigures = {}): GcFigures {
  const out: GcFigures = {};
  for (const s of samples.filter((s) => s.name === 'nodejs_gc_duration_seconds_count')) {
    const kind = s.labels.kind!;
    const sum = value(samples, 'nodejs_gc_duration_seconds_sum', { kind }) ?? 0;
    const within = value(samples, 'nodejs_gc_duration_seconds_bucket', { kind, le: '0.1' }) ?? 0;
    const earlier = since[kind] ?? { count: 0, totalMs: 0, over100ms: 0 };
    out[kind] = {
      count: s.value - earlier.count,
      totalMs: Math.round(sum * 1000) - earlier.totalMs,
      over100ms: s.value - within - earlier.over100ms,
    };
  }
  return out;
}
