// Runs the real `quota-manager` command (bin/quota-manager.js) as a child process, the way an
// operator does, and collects its exit code and both output streams.
import { spawn } from 'node:child_process';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /**
   * stderr without the "slow SQLite statement" warnings: those say how loaded the machine was
   * (a test run on 2 busy cores sees fsyncs over 100 ms), not whether the command went well.
   */
  complaints: string;
}

const LOAD_WARNING = /"message":"slow SQLite statement held the event loop"/;

export interface CliRunOptions {
  /** Added to the environment (DATABASE_URL, AIGATEWAY_URL, …). */
  env?: Record<string, string>;
  /** Written to standard input, which is then closed. */
  input?: string;
}

export function runCli(args: string[], options: CliRunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/quota-manager.js', ...args], {
      env: { ...process.env, QM_CONFIG: 'config.yaml', LOG_FORMAT: 'json', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const complaints = stderr
        .split('\n')
        .filter((line) => !LOAD_WARNING.test(line))
        .join('\n');
      resolve({ code, stdout, stderr, complaints });
    });
    child.stdin.end(options.input ?? '');
  });
}
