import type { TraceEvent } from '@meshsim/core';

// One definition of the trace's shape, the engine's: `simulate(spec, { trace })` streams these.
export type { TraceEvent } from '@meshsim/core';

/** A run's events in order; any iterable, so a long trace can be streamed. */
export type Trace = Iterable<TraceEvent>;
