// What every result file records about where and when it was measured: the machine (cores,
// memory, CPU model), the load on it at the start and end (this machine is shared; a busy
// neighbour shows up here), the software versions and the commit.
import { execFileSync } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem } from 'node:os';

export interface MachineInfo {
  cores: number;
  cpu: string;
  memoryGb: number;
  freeMemoryGb: number;
  loadAverage1m: number;
  node: string;
  platform: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cores: list.length,
    cpu: list[0]?.model.trim() ?? 'unknown',
    memoryGb: round(totalmem() / 2 ** 30, 1),
    freeMemoryGb: round(freemem() / 2 ** 30, 1),
    loadAverage1m: round(loadavg()[0] ?? 0, 2),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
  };
}

export interface GitInfo {
  commit: string;
  /** Uncommitted changes in the working tree when the benchmark ran. */
  dirty: boolean;
}

export function gitInfo(): GitInfo {
  const git = (args: string[]) =>
    execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return { commit: git(['rev-parse', 'HEAD']), dirty: git(['status', '--porcelain']).length > 0 };
  } catch {
    return { commit: 'unknown', dirty: true };
  }
}

export function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
