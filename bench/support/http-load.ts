// A small HTTP load generator for the API benchmark: keep-alive sockets, latency of every
// request, and two shapes of load — closed (N clients, each sending its next request when the
// last one answered: measures throughput) and open (a fixed rate whatever the answers: measures
// latency without the generator's own queueing). Bounded in time and in requests in flight.
import http from 'node:http';

export interface Request {
  /** Label of the operation (create, read), for separate percentiles. */
  op: string;
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  /** Called with the parsed JSON answer of a 2xx. */
  onAnswer?: (json: unknown) => void;
}

export interface OpStats {
  count: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  seconds: number;
  requests: number;
  perSecond: number;
  errors: number;
  /** Status codes or error codes of failed requests, with counts. */
  failures: Record<string, number>;
  ops: Record<string, OpStats>;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export class LoadClient {
  private readonly agent: http.Agent;
  private readonly url: URL;

  constructor(
    baseUrl: string,
    private readonly headers: Record<string, string>,
    maxSockets: number,
  ) {
    this.url = new URL(baseUrl);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /** One request; resolves with [milliseconds, status] (status 0: no answer). */
  send(
    request: Request,
    timeoutMs = 30_000,
  ): Promise<{ ms: number; status: number; error?: string }> {
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const started = performance.now();
    return new Promise((resolve) => {
      const req = http.request(
        {
          agent: this.agent,
          hostname: this.url.hostname,
          port: this.url.port,
          method: request.method,
          path: request.path,
          headers: {
            ...this.headers,
            ...(body === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300 && request.onAnswer)
              request.onAnswer(JSON.parse(Buffer.concat(chunks).toString('utf8')));
            resolve({ ms: performance.now() - started, status });
          });
          res.on('error', (e) =>
            resolve({ ms: performance.now() - started, status: 0, error: e.message }),
          );
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
      req.on('error', (e: NodeJS.ErrnoException) =>
        resolve({ ms: performance.now() - started, status: 0, error: e.code ?? e.message }),
      );
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

class Collector {
  private readonly latencies = new Map<string, number[]>();
  private readonly errorCounts = new Map<string, number>();
  readonly failures: Record<string, number> = {};
  requests = 0;

  add(op: string, answer: { ms: number; status: number; error?: string }): void {
    this.requests++;
    if (answer.status >= 200 && answer.status < 300) {
      const list = this.latencies.get(op) ?? [];
      list.push(answer.ms);
      this.latencies.set(op, list);
    } else {
      this.errorCounts.set(op, (this.errorCounts.get(op) ?? 0) + 1);
      const key = answer.error ?? String(answer.status);
      this.failures[key] = (this.failures[key] ?? 0) + 1;
    }
  }

  result(seconds: number): LoadResult {
    const ops: Record<string, OpStats> = {};
    for (const op of new Set([...this.latencies.keys(), ...this.errorCounts.keys()])) {
      const sorted = [...(this.latencies.get(op) ?? [])].sort((a, b) => a - b);
      ops[op] = {
        count: sorted.length,
        errors: this.errorCounts.get(op) ?? 0,
        p50: percentile(sorted, 50),
        p90: percentile(sorted, 90),
        p99: percentile(sorted, 99),
        max: sorted.at(-1) ?? 0,
      };
    }
    const errors = [...this.errorCounts.values()].reduce((a, b) => a + b, 0);
    return {
      seconds,
      requests: this.requests,
      perSecond: this.requests / seconds,
      errors,
      failures: this.failures,
      ops,
    };
  }
}

/** `clients` loops, each sending `next()`'s request as soon as the previous one answered. */
export async function closedLoad(
  client: LoadClient,
  clients: number,
  seconds: number,
  next: () => Request,
  until?: () => boolean,
): Promise<LoadResult> {
  const collector = new Collector();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline && !until?.()) {
        const request = next();
        collector.add(request.op, await client.send(request));
      }
    }),
  );
  return collector.result((performance.now() - started) / 1000);
}

/** `perSecond` requests per second at even intervals, at most `maxInFlight` unanswered. */
export async function openLoad(
  client: LoadClient,
  perSecond: number,
  seconds: number,
  next: () => Request,
  until?: () => boolean,
  maxInFlight = 256,
): Promise<LoadResult> {
  const collector = new Collector();
  const started = performance.now();
  const interval = 1000 / perSecond;
  const inFlight = new Set<Promise<void>>();
  let dropped = 0;
  for (let i = 0; ; i++) {
    const due = started + i * interval;
    if (due > started + seconds * 1000 || until?.()) break;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (inFlight.size >= maxInFlight) {
      dropped++;
      continue;
    }
    const request = next();
    const sent = client.send(request).then((answer) => {
      collector.add(request.op, answer);
      inFlight.delete(sent);
    });
    inFlight.add(sent);
  }
  await Promise.all(inFlight);
  if (dropped > 0) collector.failures['not sent (too many in flight)'] = dropped;
  return collector.result((performance.now() - started) / 1000);
}
