// Prints a benchmark's table and writes its JSON to bench/results/ (one file per run, named by
// benchmark and time, plus `<name>-latest.json`, which bench/README.md's tables are made from).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gitInfo, machineInfo, type MachineInfo } from './machine.ts';

export const RESULTS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../results');

export type Cell = string | number | null | undefined;

export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
}

function text(cell: Cell): string {
  if (cell === null || cell === undefined) return '–';
  if (typeof cell === 'number')
    return Number.isInteger(cell)
      ? cell.toLocaleString('en-US')
      : cell.toLocaleString('en-US', { maximumFractionDigits: 2 });
  return cell;
}

/** A Markdown table: readable in a terminal and pasteable into bench/README.md as is. */
export function markdownTable(table: Table): string {
  const cells = table.rows.map((row) => row.map(text));
  const widths = table.columns.map((column, i) =>
    Math.max(column.length, ...cells.map((row) => row[i]?.length ?? 0)),
  );
  const line = (values: string[]) =>
    `| ${values.map((value, i) => (i === 0 ? value.padEnd(widths[i]!) : value.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? ` ${'-'.repeat(w)} ` : ` ${'-'.repeat(w - 1)}: `)).join('|')}|`;
  return [`### ${table.title}`, '', line(table.columns), rule, ...cells.map(line)].join('\n');
}

export function printTable(table: Table): void {
  process.stdout.write(`\n${markdownTable(table)}\n\n`);
}

export interface ResultFile {
  benchmark: string;
  startedAt: string;
  finishedAt: string;
  machineAtStart: MachineInfo;
  machineAtEnd: MachineInfo;
  git: ReturnType<typeof gitInfo>;
  settings: Record<string, unknown>;
  tables: Table[];
  figures: unknown;
}

export class Recorder {
  private readonly startedAt = new Date();
  private readonly machineAtStart = machineInfo();
  private readonly tables: Table[] = [];

  constructor(
    private readonly benchmark: string,
    private readonly settings: Record<string, unknown>,
  ) {}

  table(table: Table): void {
    this.tables.push(table);
    printTable(table);
  }

  /** Writes the result file (and the -latest copy); returns its path. */
  write(figures: unknown): string {
    const result: ResultFile = {
      benchmark: this.benchmark,
      startedAt: this.startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      machineAtStart: this.machineAtStart,
      machineAtEnd: machineInfo(),
      git: gitInfo(),
      settings: this.settings,
      tables: this.tables,
      figures,
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    const stamp = result.startedAt.replace(/[:.]/g, '-');
    const path = join(RESULTS_DIR, `${this.benchmark}-${stamp}.json`);
    const body = `${JSON.stringify(result, null, 2)}\n`;
    writeFileSync(path, body);
    writeFileSync(join(RESULTS_DIR, `${this.benchmark}-latest.json`), body);
    process.stdout.write(`${this.benchmark}: results written to ${path}\n`);
    return path;
  }
}
