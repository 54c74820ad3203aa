// Progress for long work. On a terminal: one bar redrawn in place (at most ~10 times a second).
// Anywhere else (a pipe, a log file, CI): plain lines, one per tenth of the total, so logs stay
// short and readable and contain no control characters.
import type { CliIo } from './command.ts';

export interface Progress {
  /** Sets the number of units done so far. */
  update(done: number): void;
  /** Clears the bar (terminal) so the caller's next line starts clean. */
  finish(): void;
}

export interface ProgressOptions {
  label: string;
  unit: string;
  /** Known total; without one, plain mode prints every `every` units and the bar shows a count. */
  total?: number;
  every?: number;
  now?: () => number;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

export function createProgress(io: CliIo, options: ProgressOptions): Progress {
  return io.stdout.isTTY ? terminalProgress(io, options) : plainProgress(io, options);
}

function terminalProgress(io: CliIo, options: ProgressOptions): Progress {
  const now = options.now ?? (() => performance.now());
  const started = now();
  let lastDraw = -Infinity;
  let drawn = false;
  const draw = (done: number) => {
    const rate = done / Math.max((now() - started) / 1000, 0.001);
    const count = options.total !== undefined ? `${done}/${options.total}` : `${done}`;
    let bar = '';
    if (options.total !== undefined && options.total > 0) {
      const ratio = Math.min(done / options.total, 1);
      const filled = Math.round(ratio * BAR_WIDTH);
      bar = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}% `;
    }
    io.stdout.write(
      `\r\u001b[2K${options.label} ${bar}${count} ${options.unit}  ${formatRate(rate)} ${options.unit}/s`,
    );
    drawn = true;
  };
  return {
    update(done) {
      const at = now();
      if (at - lastDraw < REDRAW_MS && done !== options.total) return;
      lastDraw = at;
      draw(done);
    },
    finish() {
      if (drawn) io.stdout.write('\r\u001b[2K');
    },
  };
}

function plainProgress(io: CliIo, options: ProgressOptions): Progress {
  const { total } = options;
  let reported = 0;
  return {
    update(done) {
      if (total !== undefined && total > 0) {
        const tenth = Math.floor((done / total) * 10);
        // Whole tenths only; the final 100% is the caller's summary line.
        if (tenth > reported && done < total) {
          reported = tenth;
          io.stdout.write(`${options.label} ${done}/${total} ${options.unit} (${tenth * 10}%)\n`);
        }
        return;
      }
      const every = options.every ?? 10_000;
      const step = Math.floor(done / every);
      if (step > reported) {
        reported = step;
        io.stdout.write(`${options.label} ${done} ${options.unit}\n`);
      }
    },
    finish() {},
  };
}

function formatRate(perSecond: number): string {
  return perSecond >= 1000 ? `${(perSecond / 1000).toFixed(1)}k` : String(Math.round(perSecond));
}
