/**
 * A run's event trace, in the engine's order: events at the same `tMs` are in the order they
 * happened. `request` and `connection` ids are unique per run (the engine's recycled slots are
 * not, so the recorder numbers them afresh). What the trace invariants of `@meshsim/scenarios`
 * read; `simulate(spec, { trace })` streams it.
 */
export type TraceEvent =
  /** A client request arrives at the sidecar. */
  | { type: 'request'; tMs: number; request: number }
  /** The client gets its answer: the request ends. `flags` as in access logs (`-` for none). */
  | { type: 'response'; tMs: number; request: number; status: number; flags: string }
  /**
   * An upstream attempt of `request` is sent to `host` (`address:port`) of `cluster`: the load
   * balancer picked it. `panic`: the host's priority was in panic, so the pick ignored health
   * (absent means not). `originalDst`: an ORIGINAL_DST cluster (`resolution: NONE`) took the address
   * the application dialed, which no load balancer filters by health.
   */
  | {
      type: 'attempt';
      tMs: number;
      request: number;
      cluster: string;
      host: string;
      panic?: boolean;
      originalDst?: boolean;
    }
  /** The outlier detector ejects `host`: it leaves the load balancer's healthy set. */
  | { type: 'eject'; tMs: number; cluster: string; host: string }
  /** `host` is no longer ejected: its ejection time is over, or a DNS refresh removed it. */
  | { type: 'uneject'; tMs: number; cluster: string; host: string }
  /** A connection of the pool (worker, host) starts connecting. */
  | { type: 'cx-open'; tMs: number; cluster: string; host: string; worker: number; connection: number }
  /** That connection is closed (or failed to connect). */
  | { type: 'cx-close'; tMs: number; cluster: string; connection: number };

/** Receives each event of a run as it happens; it must not expect the object to be reused or kept. */
export type TraceListener = (event: TraceEvent) => void;

/**
 * Receives each event of a run as its fields, one method per `TraceEvent` type, in the same order and
 * with the same values as a `TraceListener` gets them: for a writer that formats an event at once,
 * so the run makes no object per event. `ejection` is `eject` when `ejected`, else `uneject`;
 * `originalDst` false is the attempt event without that field.
 */
export interface TraceSink {
  request(tMs: number, request: number): void;
  response(tMs: number, request: number, status: number, flags: string): void;
  attempt(
    tMs: number,
    request: number,
    cluster: string,
    host: string,
    panic: boolean,
    originalDst: boolean,
  ): void;
  ejection(tMs: number, cluster: string, host: string, ejected: boolean): void;
  connectionOpened(tMs: number, cluster: string, host: string, worker: number, connection: number): void;
  connectionClosed(tMs: number, cluster: string, connection: number): void;
}

/** A `TraceSink` that hands each event to `listener` as a `TraceEvent`, a new object each time. */
export function traceEventsTo(listener: TraceListener): TraceSink {
  return {
    request: (tMs, request) => listener({ type: 'request', tMs, request }),
    response: (tMs, request, status, flags) => listener({ type: 'response', tMs, request, status, flags }),
    attempt: (tMs, request, cluster, host, panic, originalDst) =>
      listener({
        type: 'attempt',
        tMs,
        request,
        cluster,
        host,
        panic,
        ...(originalDst ? { originalDst } : {}),
      }),
    ejection: (tMs, cluster, host, ejected) =>
      listener({ type: ejected ? 'eject' : 'uneject', tMs, cluster, host }),
    connectionOpened: (tMs, cluster, host, worker, connection) =>
      listener({ type: 'cx-open', tMs, cluster, host, worker, connection }),
    connectionClosed: (tMs, cluster, connection) => listener({ type: 'cx-close', tMs, cluster, connection }),
  };
}

/**
 * Turns the engine's emit points into trace events for a sink: the time, and run-unique ids for the
 * engine's recycled slots. Built only when a run is traced, so an untraced run pays one null check
 * per emit point and allocates nothing.
 */
export class TraceRecorder {
  /** Run-unique ids by recycled slot: the request (connection) now in slot i. */
  private readonly requestIds: number[] = [];
  /** The same for the request now riding tcp_proxy session i. */
  private readonly sessionRequestIds: number[] = [];
  private readonly connectionIds: number[] = [];
  private nextRequest = 1;
  private nextConnection = 1;

  constructor(
    private readonly clock: { readonly nowMs: number },
    private readonly sink: TraceSink,
  ) {}

  /** `session`: the slot is a tcp_proxy session's, not a router request's. */
  request(slot: number, session = false): void {
    const request = this.nextRequest++;
    (session ? this.sessionRequestIds : this.requestIds)[slot] = request;
    this.sink.request(this.clock.nowMs, request);
  }

  response(slot: number, status: number, flags: string, session = false): void {
    const request = (session ? this.sessionRequestIds : this.requestIds)[slot]!;
    this.sink.response(this.clock.nowMs, request, status, flags);
  }

  attempt(
    slot: number,
    cluster: string,
    host: string,
    panic: boolean,
    originalDst: boolean,
    session = false,
  ): void {
    const request = (session ? this.sessionRequestIds : this.requestIds)[slot]!;
    this.sink.attempt(this.clock.nowMs, request, cluster, host, panic, originalDst);
  }

  ejection(cluster: string, host: string, ejected: boolean): void {
    this.sink.ejection(this.clock.nowMs, cluster, host, ejected);
  }

  connectionOpened(slot: number, cluster: string, host: string, worker: number): void {
    const connection = this.nextConnection++;
    this.connectionIds[slot] = connection;
    this.sink.connectionOpened(this.clock.nowMs, cluster, host, worker, connection);
  }

  connectionClosed(slot: number, cluster: string): void {
    this.sink.connectionClosed(this.clock.nowMs, cluster, this.connectionIds[slot]!);
  }
}
