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

/**
 * A tune's progress on stderr: a line rewritten in place on a terminal; elsewhere (a log, a cluster's
 * pod) one line per finished rung, so long tunes show where they are. `--quiet` silences both.
 */
export function tuneProgressOn(io: CliIo, quiet: boolean | undefined) {
  const line = progressLineOn(io, quiet);
  const plain = io.stderrIsTTY !== true && quiet !== true;
  let last: TuneProgress | null = null;
  let base = 0;
  let inBatch = 0;
  let ranHere = 0;
  const draw = () => {
    if (last === null) return;
    const shown = { ...last, done: last.done + inBatch };
    line.update(() => tuneProgressText(shown, ranHere, line.elapsedMs));
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
