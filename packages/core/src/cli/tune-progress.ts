import { performance } from 'node:perf_hooks';
import { formatDurationMs } from '../config/resources/durations.js';
import type { TuneProgress } from '../tune/engine.js';
import { metricText } from '../tune/metric-text.js';
import type { CliIo } from './io.js';
import { progressLineOn } from './progress.js';

const bestText = (p: TuneProgress): string =>
  p.best === null
    ? 'no config complete yet'
    : `best so far ${p.best.label} (${p.best.metric} ${metricText(p.best.metric, p.best.mean)})`;

/** The live line: runs done of all, the time left at this machine's pace, the best so far. */
export function tuneProgressText(p: TuneProgress, ranHere: number, elapsedMs: number): string {
  const share = Math.floor((100 * p.done) / Math.max(1, p.total));
  const left =
    ranHere > 0 && p.done < p.total
      ? `, about ${formatDurationMs(Math.round(((p.total - p.done) * elapsedMs) / ranHere / 1000) * 1000)} left`
      : '';
  return `meshsim tune: rung ${p.rung + 1} of ${p.rungs}, ${p.done} of ${p.total} runs done (${share} %)${left}, ${bestText(p)}`;
}

/** How often a log (not a terminal) gets a progress line within a rung. */
export const LOG_INTERVAL_MS = 30_000;

export interface TuneProgressFlags {
  /** `--quiet`: nothing, even on a terminal. */
  quiet?: boolean;
  /** `--progress`: lines on stderr even when it is not a terminal (a log, a cluster's pod). */
  progress?: boolean;
}

/**
 * A tune's progress on stderr: on a terminal a line rewritten in place; elsewhere only when asked
 * (`--progress`), as whole lines (a rung done, and at most every 30 s within one) so logs stay readable.
 */
export function tuneProgressOn(io: CliIo, flags: TuneProgressFlags) {
  const line = progressLineOn(io, flags.quiet);
  const plain = io.stderrIsTTY !== true && flags.progress === true && flags.quiet !== true;
  const now = io.now ?? (() => performance.now());
  const start = now();
  let printedAt = start;
  let last: TuneProgress | null = null;
  let base = 0;
  let inBatch = 0;
  let ranHere = 0;
  const text = () => tuneProgressText({ ...last!, done: last!.done + inBatch }, ranHere, now() - start);
  const draw = () => {
    if (last === null) return;
    line.update(text);
    if (plain && now() - printedAt >= LOG_INTERVAL_MS) {
      printedAt = now();
      io.stderr(`${text()}\n`);
    }
  };
  return {
    /** A run finished (from the worker pool). */
    onRunDone(done: number) {
      inBatch = done;
      ranHere = base + done;
      draw();
    },
    /** A batch finished: the counts and the best so far are known again. */
    onProgress(p: TuneProgress) {
      if (plain && last !== null && p.rung > last.rung) {
        printedAt = now();
        io.stderr(
          `meshsim tune: rung ${last.rung + 1} of ${last.rungs} done, ${p.done} of ${p.total} runs, ${bestText(p)}\n`,
        );
      }
      base = ranHere;
      inBatch = 0;
      last = p;
      draw();
    },
    done: () => line.done(),
  };
}
