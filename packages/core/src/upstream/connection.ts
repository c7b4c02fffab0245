import type { EventHandle } from '../kernel/event-queue.js';
import type { RecyclingTable } from '../kernel/recycling-table.js';
import type { EndpointServer } from '../world/endpoint-server.js';

export const ConnectionState = { Connecting: 0, Ready: 1, Busy: 2, Closed: 3 } as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/**
 * An upstream connection: HTTP/1.1 carries one stream at a time, HTTP/2 up to max_concurrent_streams.
 * Ready = connected with unused stream capacity; Busy = connected and full, or draining.
 */
export class Connection {
  state: ConnectionState = ConnectionState.Closed;
  pool: ConnectionOwner | null = null;
  /** Streams it carries now. */
  activeStreams = 0;
  /** The endpoint this connection reached; a LOGICAL_DNS connection keeps its address until it closes. */
  server: EndpointServer | null = null;
  /** The pending connect outcome (done or refused) and the connect timeout. */
  connectEvent: EventHandle = -1;
  connectTimer: EventHandle = -1;
  /** Streams it may still carry (max_requests_per_connection; Infinity when unlimited), and whether it drains. */
  remainingStreams = 0;
  draining = false;
  /** When it last became idle, and its pending idle check (due at `idleCheckAtMs`). */
  idleSinceMs = 0;
  idleTimer: EventHandle = -1;
  idleCheckAtMs = 0;
  /**
   * When the FIN of a server that closes idle connections (`idleTimeout`) reaches the sidecar, for the
   * current idle period; Infinity when the server never does.
   */
  remoteCloseAtMs = Number.POSITIVE_INFINITY;
  /** common_http_protocol_options.max_connection_duration, from the connect: when it starts to drain. */
  durationTimer: EventHandle = -1;
  /** TCP keepalive, while idle: the next probe, and when unanswered probes give up on a dark host. */
  probeAtMs = Number.POSITIVE_INFINITY;
  keepaliveDeadAtMs = Number.POSITIVE_INFINITY;
  /** A connect failing on the server's certificate: the ssl.fail_verify_* stat it counts (0: none). */
  certVerdict = 0;
  /**
   * HTTP/2 PING keepalive, from the connection's start: its one timer; the PING awaiting its ACK (sent at
   * `pingSentAtMs`, -1: none), when that ACK arrives (Infinity: never, or not known while connecting),
   * and what the timeout counts from (the PING, or the last frame that re-armed it).
   */
  pingTimer: EventHandle = -1;
  pingSentAtMs = -1;
  pingAckAtMs = Number.POSITIVE_INFINITY;
  pingWaitFromMs = 0;
  /** When the last response frame from the server arrived (-1: none): a frame re-arms a PING's timeout. */
  lastFrameAtMs = -1;
  constructor(readonly id: number) {}

  reset(): void {
    this.state = ConnectionState.Closed;
    this.pool = null;
    this.activeStreams = 0;
    this.server = null;
    this.connectEvent = -1;
    this.connectTimer = -1;
    this.draining = false;
    this.idleTimer = -1;
    this.remoteCloseAtMs = Number.POSITIVE_INFINITY;
    this.durationTimer = -1;
    this.probeAtMs = Number.POSITIVE_INFINITY;
    this.keepaliveDeadAtMs = Number.POSITIVE_INFINITY;
    this.certVerdict = 0;
    this.pingTimer = -1;
    this.pingSentAtMs = -1;
    this.pingAckAtMs = Number.POSITIVE_INFINITY;
    this.lastFrameAtMs = -1;
  }
}

/** Connections by id, so connect events carry an integer. */
export type ConnectionTable = RecyclingTable<Connection>;

/** Why the pool could not hand a request a connection (Envoy's PoolFailureReason). */
export const PoolFailureReason = {
  Overflow: 0,
  LocalConnectionFailure: 1,
  RemoteConnectionFailure: 2,
  Timeout: 3,
} as const;
export type PoolFailureReason = (typeof PoolFailureReason)[keyof typeof PoolFailureReason];

/**
 * What happens to a connection, told to the pool that owns it: its own events (connect outcomes, the
 * idle check, max duration) and what the router or tcp_proxy does with its streams.
 */
export interface ConnectionOwner {
  readonly isTcp: boolean;
  /** Streams are multiplexed (HTTP/2): a server can reset or refuse one and keep the connection. */
  readonly isHttp2: boolean;
  onConnected(conn: Connection): void;
  onConnectFailed(conn: Connection, reason: PoolFailureReason): void;
  onIdleCheck(conn: Connection): void;
  onMaxDuration(conn: Connection): void;
  /** A stream ended with a complete response. */
  onStreamClosed(conn: Connection): void;
  /** The router reset one stream (a timeout). */
  resetStream(conn: Connection): void;
  /** The upstream closed the connection with streams active. */
  onRemoteClose(conn: Connection): void;
  /** The server behind an idle connection went away. */
  closeIdle(conn: Connection): void;
  /** The connection's HTTP/2 keepalive timer fired: a PING is due, its ACK came, or its wait ran out. */
  onPingTimer(conn: Connection): void;
  /** The sidecar closed the connection itself with streams active (the router resets each). */
  onLocalClose(conn: Connection): void;
}
