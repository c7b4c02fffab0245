import { performance } from 'node:perf_hooks';
import { formatDurationMs } from '../config/resources/durations.js';
import type { RunProgress } from '../simulation/run.js';
import type { CliIo } from './io.js';

/** Where progress goes: stderr, as a single line rewritten in place. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface ProgressOptions {
  /** `--quiet`. */
  quiet?: boolean;
  /** `--progress`: where stderr is not a terminal (CI, a file), progress as whole lines, one every few seconds. */
  lines?: boolean;
  /** Wall-clock milliseconds; injectable for tests. */
  now?: () => number;
  /** Nothing is shown before a run has taken this long (wall time). Default 1000 ms. */
  delayMs?: number;
  /** The line is rewritten at most this often. Default 200 ms. */
  intervalMs?: number;
}

/**
 * One progress line on a terminal's stderr, for runs longer than about a second. Where stderr is not a
 * terminal (piped, CI, a file) silent unless asked for (`--progress`, then whole lines, one every
 * `LINE_INTERVAL_MS`, which a log keeps); `--quiet` silences it everywhere.
 */
export class ProgressLine {
  private readonly enabled: boolean;
  private readonly inPlace: boolean;
  private readonly now: () => number;
  private readonly startMs: number;
  private readonly delayMs: number;
  private readonly intervalMs: number;
  private lastMs = Number.NEGATIVE_INFINITY;
  private shown = false;

  constructor(
    private readonly stream: ProgressStream,
    options: ProgressOptions = {},
  ) {
    this.inPlace = stream.isTTY === true;
    this.enabled = (this.inPlace || options.lines === true) && options.quiet !== true;
    this.now = options.now ?? (() => performance.now());
    this.startMs = this.now();
    this.delayMs = options.delayMs ?? 1000;
    this.intervalMs = options.intervalMs ?? (this.inPlace ? 200 : LINE_INTERVAL_MS);
  }

  /** Wall milliseconds since the line was created. */
  get elapsedMs(): number {
    return this.now() - this.startMs;
  }

  /** Shows `text()` if the run is past the delay and the last update is old enough; `text` is only called then. */
  update(text: () => string): void {
    if (!this.enabled) return;
    const now = this.now();
    if (now - this.startMs < this.delayMs || now - this.lastMs < this.intervalMs) return;
    this.lastMs = now;
    if (!this.inPlace) {
      this.stream.write(`${text()}\n`);
      return;
    }
    this.shown = true;
    this.stream.write(`\r${text()}\u001b[K`);
  }

  /** Clears the line, if anything was shown, so the report starts on a clean line. */
  done(): void {
    if (this.shown) this.stream.write('\r\u001b[K');
    this.shown = false;
  }
}

/** How often `--progress` writes a line where stderr is not a terminal. */
export const LINE_INTERVAL_MS = 5000;

/** A command's progress line on the CLI's stderr (`--quiet` silences it, `--progress` asks for it off a terminal). */
export function progressLineOn(io: CliIo, quiet: boolean | undefined, lines?: boolean): ProgressLine {
  return new ProgressLine(
    { isTTY: io.stderrIsTTY, write: io.stderr },
    { quiet, lines: lines === true, ...(io.now !== undefined ? { now: io.now } : {}) },
  );
}

/** Requests per wall second, short: 950, 12.3k, 2.1M. */
function rate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)}M`;
  if (perSecond >= 1e4) return `${(perSecond / 1e3).toFixed(1)}k`;
  return perSecond.toFixed(0);
}

/** The text of a single run's progress: simulated time done and simulated requests per wall second. */
export function runProgressText(p: RunProgress, elapsedMs: number): string {
  const share = p.durationMs > 0 ? Math.floor((100 * p.simulatedMs) / p.durationMs) : 100;
  const perSecond = elapsedMs > 0 ? (1000 * p.requests) / elapsedMs : 0;
  return `meshsim: ${formatDurationMs(p.simulatedMs)} of ${formatDurationMs(p.durationMs)} simulated (${share} %), ${p.requests} requests, ${rate(perSecond)} requests/s`;
}

/** The text of a compare or sweep: runs finished of all. */
export function batchProgressText(done: number, total: number, elapsedMs: number): string {
  const perSecond = elapsedMs > 0 ? (1000 * done) / elapsedMs : 0;
  return `meshsim: ${done} of ${total} runs done (${Math.floor((100 * done) / total)} %), ${perSecond.toFixed(1)} runs/s`;
}
