// Every documented way of starting the daemon gives node the same flags as `npm start` (which
// the Docker image runs and the API benchmark measures): the heap limit there is what keeps the
// daemon's memory near its live data (docs/operations.md, "Memory").
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const start: string = JSON.parse(read('package.json')).scripts.start;

describe('daemon launch', () => {
  const flags = /^node((?: --[\w-]+(?:=\S+)?)*) --import tsx src\/main\.ts$/.exec(start)?.[1];

  it('npm start runs node directly with a heap limit', () => {
    expect(flags).toBeDefined();
    expect(flags).toMatch(/ --max-old-space-size=\d+/);
  });

  it('the systemd unit in the operations guide passes the same flags', () => {
    const execStart = read('docs/operations.md')
      .split('\n')
      .filter((line) => line.startsWith('ExecStart=') && line.endsWith(' serve'));
    expect(execStart).toEqual([
      `ExecStart=/usr/bin/node${flags} /opt/quota-manager/bin/quota-manager.js serve`,
    ]);
  });

  it('the Docker image starts the daemon with npm start', () => {
    expect(read('Dockerfile')).toMatch(/^CMD \["npm", "start"\]$/m);
  });
});
