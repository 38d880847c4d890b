/**
 * What every command prints besides its result, in one place, so that
 * `--quiet` and `--verbose` (global options, see main.ts) mean the same
 * everywhere:
 * - warnings and notes: stderr, unless --quiet;
 * - detail (which files, commits, URLs): stderr, only with --verbose;
 * - progress bars: stderr, only on a terminal and never with --quiet.
 * Errors are not printed here: main.ts prints them, whatever the mode.
 * Results go to stdout and are never mixed with any of this.
 */
import { createRequire } from 'node:module';
import type * as CliProgress from 'cli-progress';
import { escapeControl } from '../core/escape.js';
import type { Progress, ProgressTask } from '../core/progress.js';

export interface OutputMode {
  quiet: boolean;
  verbose: boolean;
}

const mode: OutputMode = { quiet: false, verbose: false };

/** Set once per run from the root command's options (main.ts). */
export function setOutputMode(m: Partial<OutputMode>): void {
  mode.quiet = m.quiet === true;
  mode.verbose = m.verbose === true && !mode.quiet;
}

export function outputMode(): Readonly<OutputMode> {
  return mode;
}

/** `nixharden: warning: …` (not with --quiet). */
export function warn(message: string): void {
  if (!mode.quiet) process.stderr.write(`nixharden: warning: ${escapeControl(message)}\n`);
}

/** `nixharden: …`: a note about the run that is neither a result nor an error (not with --quiet). */
export function note(message: string): void {
  if (!mode.quiet) process.stderr.write(`nixharden: ${escapeControl(message)}\n`);
}

/** Only with --verbose. */
export function detail(message: string): void {
  if (mode.verbose) process.stderr.write(`nixharden: ${escapeControl(message)}\n`);
}

/**
 * Runs `work` with a Progress that draws on stderr when it is a terminal (and
 * not --quiet), prints detail lines with --verbose, and is always cleared
 * before this returns, so the command's own output starts on a clean line.
 */
export async function withProgress<T>(work: (progress: Progress) => Promise<T>): Promise<T> {
  const bars = !mode.quiet && process.stderr.isTTY ? new TerminalProgress() : undefined;
  const progress: Progress = bars ?? { start: () => ({ update() {}, end() {} }), status() {}, detail };
  try {
    return await work(progress);
  } finally {
    bars?.close();
  }
}

const require = createRequire(import.meta.url);

function mib(n: number): string {
  return `${(n / 1048576).toFixed(1)} MiB`;
}

/** Progress bars with cli-progress (loaded only on a terminal). */
class TerminalProgress implements Progress {
  private readonly multi: CliProgress.MultiBar;
  private statusBar: CliProgress.SingleBar | undefined;

  constructor() {
    const { MultiBar } = require('cli-progress') as typeof CliProgress;
    this.multi = new MultiBar({
      stream: process.stderr,
      clearOnComplete: true,
      hideCursor: false,
      linewrap: false,
      gracefulExit: true,
      format: (_options, params, payload: { label: string; bytes: boolean; status?: boolean }) => {
        if (payload.status) return payload.label;
        const show = payload.bytes ? mib : String;
        if (!params.total) return `${payload.label}: ${show(params.value)}`;
        const width = 24;
        const filled = Math.max(0, Math.min(width, Math.round(params.progress * width)));
        return `${payload.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${show(params.value)}/${show(params.total)}`;
      },
    });
  }

  start(label: string, opts: { total?: number; bytes?: boolean } = {}): ProgressTask {
    const bar = this.multi.create(opts.total ?? 0, 0, { label: escapeControl(label), bytes: opts.bytes === true });
    // Drawn at once, not after the first tick: short tasks show too.
    this.multi.update();
    let ended = false;
    return {
      update: (done, total) => {
        if (ended) return;
        if (total !== undefined) bar.setTotal(total);
        bar.update(done);
      },
      end: () => {
        if (ended) return;
        ended = true;
        // The last count is drawn before the bar goes: a fast task still shows where it ended.
        this.multi.update();
        this.multi.remove(bar);
      },
    };
  }

  status(message: string): void {
    const label = escapeControl(message);
    if (this.statusBar) this.statusBar.update(0, { label, status: true });
    else this.statusBar = this.multi.create(0, 0, { label, status: true, bytes: false });
    this.multi.update();
    this.detail(message);
  }

  detail(message: string): void {
    if (!mode.verbose) return;
    this.multi.log(`nixharden: ${escapeControl(message)}\n`);
    this.multi.update();
  }

  close(): void {
    this.multi.stop();
  }
}
