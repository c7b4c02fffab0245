/**
 * A run's event trace: what the trace-based invariants read. The engine does not record one yet
 * (DESIGN.md plans an optional trace in `observe/`); this is the shape they expect, in event
 * order, which is the engine's order, so events at the same `tMs` are in the order they happened.
 * `request` ids are unique per run; `connection` ids unique per cluster.
 */
export type TraceEvent =
  /** A client request arrives at the sidecar. */
  | { type: 'request'; tMs: number; request: number }
  /** The client gets its answer: the request ends. */
  | { type: 'response'; tMs: number; request: number; status: number; flags: string }
  /**
   * An upstream attempt of `request` is sent to `host` of `cluster`. `panic`: the load balancer
   * picked the host while its priority was in panic (absent means not).
   */
  | { type: 'attempt'; tMs: number; request: number; cluster: string; host: string; panic?: boolean }
  /** The outlier detector ejects `host`. */
  | { type: 'eject'; tMs: number; cluster: string; host: string }
  /** `host` returns to the load balancer's healthy set. */
  | { type: 'uneject'; tMs: number; cluster: string; host: string }
  /** A connection of the pool (worker, host) starts connecting. */
  | { type: 'cx-open'; tMs: number; cluster: string; host: string; worker: number; connection: number }
  /** That connection is closed (or failed to connect). */
  | { type: 'cx-close'; tMs: number; cluster: string; connection: number };

/** A run's events in order; any iterable, so a long trace can be streamed. */
export type Trace = Iterable<TraceEvent>;
