import type { TraceListener, TraceSink } from '../observe/trace.js';

/** How far a run has got, at the end of each timeline bucket of the traffic phase. */
export interface RunProgress {
  simulatedMs: number;
  durationMs: number;
  /** Client requests answered so far. */
  requests: number;
}

/** Observers of a run from outside the simulation; they never change what it computes. */
export interface RunHooks {
  onProgress?: (progress: RunProgress) => void;
  /**
   * Receives the run's event trace as it happens: requests, responses, attempts (with the host's
   * priority in panic or not), ejections and connections. Off by default; the report is the same.
   * A function gets each event as a `TraceEvent`; a `TraceSink` gets its fields, with no object made.
   */
  trace?: TraceListener | TraceSink;
}
