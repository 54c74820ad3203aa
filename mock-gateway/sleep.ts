// The one way the mock waits: a timer that a signal cuts short, so shutdown and reset need not
// wait for injected latency or held deltas. Callers check the signal afterwards to tell a wait
// that ran out from one that was cut short.
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) {
      resolve();
      return;
    }
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
