import { describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/io.js';
import { LOG_INTERVAL_MS, tuneProgressOn, tuneProgressText } from '../src/cli/tune-progress.js';
import type { TuneProgress } from '../src/tune/engine.js';

const best = { config: 4, label: 'consecutive5xxErrors=2', metric: 'errorRate', mean: 0.0125 };
const at = (rung: number, done: number): TuneProgress => ({ rung, rungs: 3, done, total: 60, best });

/** An io whose clock the test sets. */
function io(stderrIsTTY: boolean) {
  const clock = { t: 0 };
  const lines: string[] = [];
  const value: CliIo = { stdout: () => {}, stderr: (t) => lines.push(t), stderrIsTTY, now: () => clock.t };
  return { io: value, lines, clock };
}

/** Rung 1 (27 runs, resumed 9 of them) then rung 2, with runs ending every 2 s. */
function play(progress: ReturnType<typeof tuneProgressOn>, clock: { t: number }) {
  progress.onProgress({ ...at(0, 9), best: null });
  for (let done = 1; done <= 18; done++) {
    clock.t += 2000;
    progress.onRunDone(done);
  }
  progress.onProgress(at(1, 27));
  clock.t += 2000;
  progress.onRunDone(1);
  progress.done();
}

describe('tune progress', () => {
  it('says runs done of all, the time left at the pace of the runs made here, and the best so far', () => {
    // 20 runs made here in 40 s: 2 s each; 60 − 30 = 30 runs left take 60 s.
    expect(tuneProgressText(at(1, 30), 20, 40_000)).toBe(
      'meshsim tune: rung 2 of 3, 30 of 60 runs done (50 %), about 1m left, best so far consecutive5xxErrors=2 (errorRate 1.25 %)',
    );
    expect(tuneProgressText({ ...at(0, 9), best: null }, 0, 0)).toBe(
      'meshsim tune: rung 1 of 3, 9 of 60 runs done (15 %), no config complete yet',
    );
  });

  it('is silent when stderr is no terminal unless asked', () => {
    const { io: quietIo, lines, clock } = io(false);
    play(tuneProgressOn(quietIo, {}), clock);
    expect(lines).toEqual([]);
  });

  it('with --progress, a log gets a line every 30 s within a rung and one when a rung is done', () => {
    const { io: logIo, lines, clock } = io(false);
    play(tuneProgressOn(logIo, { progress: true }), clock);
    // Runs end at 2, 4, … 36 s: lines at 30 s (15 runs here, 24 of 60 known) and at the end of rung 1.
    expect(LOG_INTERVAL_MS).toBe(30_000);
    expect(lines).toEqual([
      'meshsim tune: rung 1 of 3, 24 of 60 runs done (40 %), about 1m12s left, no config complete yet\n',
      'meshsim tune: rung 1 of 3 done, 27 of 60 runs, best so far consecutive5xxErrors=2 (errorRate 1.25 %)\n',
    ]);
  });

  it('on a terminal rewrites one line in place and clears it; --quiet silences it', () => {
    const tty = io(true);
    play(tuneProgressOn(tty.io, {}), tty.clock);
    expect(tty.lines.length).toBeGreaterThan(1);
    expect(tty.lines.every((l) => l.startsWith('\r') && !l.includes('\n'))).toBe(true);
    expect(tty.lines.at(-1)).toBe('\r\u001b[K');
    const quiet = io(true);
    play(tuneProgressOn(quiet.io, { quiet: true, progress: true }), quiet.clock);
    expect(quiet.lines).toEqual([]);
  });
});
