// Summarises a V8 CPU profile (written with BENCH_CPU_PROF_DIR, see bench/support/services.ts):
// self time by function and by package or source folder, so "where the time goes" in
// bench/README.md comes from a profile rather than a guess.
// Run: npx tsx bench/profile-summary.ts FILE.cpuprofile [--top 30]
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** `node_modules/<pkg>`, `src/<folder>`, `node:<module>`, or the special V8 frames. */
function area(url: string, functionName: string): string {
  if (url === '') return `(${functionName || 'native'})`;
  const nodeModule = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nodeModule) return nodeModule[1]!;
  if (url.startsWith('node:')) return url;
  const ours = /\/(src|bench|mock-gateway|scripts)\/(?:([^/]+)\/)?/.exec(url);
  if (ours) return ours[2] && !ours[2].includes('.') ? `${ours[1]}/${ours[2]}` : ours[1]!;
  return url;
}

function summarise(profile: Profile, top: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMs = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url
      ? `${url.replace(/^.*\/(node_modules|src|bench)\//, '$1/')}:${lineNumber + 1}`
      : '';
    const fn = `${functionName || '(anonymous)'} ${where}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
    const key = area(url, functionName);
    byArea.set(key, (byArea.get(key) ?? 0) + ms);
  }
  const table = (rows: Map<string, number>) =>
    [...rows]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([name, ms]) =>
          `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / totalMs).toFixed(1).padStart(5)} %  ${name}`,
      )
      .join('\n');
  // Inclusive time of our own functions: a sample counts once for every distinct src/ function
  // on its stack, so a scan step's share includes the library calls it makes.
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parentOf.set(child, node.id);
  const inclusive = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const { functionName, url, lineNumber } = byId.get(at)!.callFrame;
      if (!/\/(src|mock-gateway)\//.test(url)) continue;
      seen.add(
        `${functionName || '(anonymous)'} ${url.replace(/^.*\/(src|mock-gateway)\//, '$1/')}:${lineNumber + 1}`,
      );
    }
    for (const fn of seen) inclusive.set(fn, (inclusive.get(fn) ?? 0) + ms);
  }
  return [
    `profile: ${totalMs.toFixed(0)} ms`,
    '',
    'self time by area:',
    table(byArea),
    '',
    'self time by function:',
    table(byFunction),
    '',
    'inclusive time of our functions:',
    table(inclusive),
  ].join('\n');
}

const [file] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
if (!file) throw new Error('usage: tsx bench/profile-summary.ts FILE.cpuprofile [--top N]');
const topIndex = process.argv.indexOf('--top');
const top = topIndex === -1 ? 30 : Number(process.argv[topIndex + 1]);
console.log(summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, top));
