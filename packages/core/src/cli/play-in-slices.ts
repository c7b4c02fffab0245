import { performance } from 'node:perf_hooks';
import { formatDurationMs } from '../config/resources/durations.js';
import type { SimulationRun } from '../simulation/simulation-run.js';

/** The signals that stop a run; each ends it with its report, marked partial. */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** Where the CLI hears signals: the process, or a test's stand-in. */
export interface SignalSource {
  on(signal: StopSignal, handler: () => void): void;
  off(signal: StopSignal, handler: () => void): void;
}

/** Wall time one slice aims at: short enough that a signal is answered at once, long enough to cost nothing. */
const SLICE_WALL_MS = 50;
const MIN_SLICE_EVENTS = 1_000;
const MAX_SLICE_EVENTS = 5_000_000;

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Plays `run` to its end in slices of about 50 ms of wall time, yielding to the event loop between
 * them: a SIGINT or SIGTERM then stops the run at the next slice, its report marked partial
 * (`interrupted`). Slices never change what the run computes. Returns the signal that stopped it, if any.
 */
export async function playInSlices(run: SimulationRun, signals?: SignalSource): Promise<StopSignal | null> {
  let stoppedBy: StopSignal | null = null;
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = () => {
      stoppedBy ??= signal;
    };
    signals?.on(signal, handler);
    return [signal, handler] as const;
  });
  try {
    let events = MIN_SLICE_EVENTS * 10;
    while (!run.done) {
      const started = performance.now();
      if (run.advance({ events })) break;
      const wallMs = Math.max(performance.now() - started, 0.1);
      events = Math.round(
        Math.min(MAX_SLICE_EVENTS, Math.max(MIN_SLICE_EVENTS, (events * SLICE_WALL_MS) / wallMs)),
      );
      await nextTurn();
      if (stoppedBy !== null) {
        run.stop(
          'interrupted',
          `interrupted by ${stoppedBy} at ${formatDurationMs(Math.round(run.nowMs))} simulated`,
        );
      }
    }
  } finally {
    for (const [signal, handler] of handlers) signals?.off(signal, handler);
  }
  return stoppedBy;
}
