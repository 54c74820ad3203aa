// Bounds how many gateway requests are in flight at once, so a scan granting to thousands of
// users cannot open thousands of sockets. FIFO, so no request starves.

export interface Limiter {
  run<T>(task: () => Promise<T>): Promise<T>;
}

const unlimited: Limiter = { run: (task) => task() };

export function createLimiter(maxConcurrent: number | undefined): Limiter {
  if (maxConcurrent === undefined) return unlimited;
  let active = 0;
  const waiting: (() => void)[] = [];

  const release = () => {
    const next = waiting.shift();
    // Hand the slot straight to the next waiter, so `active` never dips and lets a newcomer jump the queue.
    if (next) next();
    else active -= 1;
  };

  return {
    async run(task) {
      if (active < maxConcurrent) active += 1;
      else await new Promise<void>((resolve) => waiting.push(resolve));
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
