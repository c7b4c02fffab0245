import type { Http2KeepaliveModel } from '../envoy/http-protocol.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Rng } from '../kernel/random-streams.js';
import type { EndpointServer } from '../world/endpoint-server.js';
import { type Connection, ConnectionState } from './connection.js';

/**
 * A cluster's HTTP/2 PING keepalive (http2_protocol_options.connection_keepalive), after the codec's
 * ConnectionImpl: from the connection's start (the codec is built before the connect), a PING goes
 * `interval` plus a jitter after the last ACK; its ACK comes back one round trip later unless the host
 * went dark; a PING unanswered for `timeout` closes the connection. One timer per connection, never per
 * request; the jitter draws come from the cluster's own stream, so clusters without it draw nothing.
 */
export class Http2Keepalive {
  /** The jitter's modulus (interval_jitter % of the interval, truncated to whole ms as Envoy's uint64). */
  private readonly jitterModMs: number;

  constructor(
    private readonly model: Http2KeepaliveModel,
    private readonly kernel: Kernel,
    private readonly pingEvent: number,
    private readonly jitterRng: Rng,
  ) {
    this.jitterModMs = Math.floor((model.intervalJitterPct * model.intervalMs) / 100);
  }

  /** The codec is built with the connection: ConnectionImpl's constructor schedules the first PING. */
  start(conn: Connection): void {
    this.armNextPing(conn, this.kernel.nowMs);
  }

  /** The connect completed: a PING written while connecting leaves now. */
  onConnected(conn: Connection): void {
    if (conn.pingSentAtMs < 0) return;
    const now = this.kernel.nowMs;
    conn.pingAckAtMs = ackAtMs(conn.server!, now);
    const dueMs = conn.pingWaitFromMs + this.model.timeoutMs;
    if (conn.pingAckAtMs < dueMs) this.schedule(conn, conn.pingAckAtMs);
  }

  /** The connection is gone: its timer with it. */
  stop(conn: Connection): void {
    if (conn.pingTimer !== -1) this.kernel.cancel(conn.pingTimer);
    conn.pingTimer = -1;
  }

  /**
   * The connection's timer fired: send a PING (sendKeepalive), take its ACK (onKeepaliveResponse), or
   * re-arm the wait for a frame that came meanwhile (onBeforeFrameReceived). True when the PING timed out
   * (onKeepaliveResponseTimeout): the caller closes the connection.
   */
  onTimer(conn: Connection): boolean {
    conn.pingTimer = -1;
    const now = this.kernel.nowMs;
    if (conn.pingSentAtMs < 0) {
      this.sendPing(conn, now);
      return false;
    }
    // The ACK wins a tie with the timeout.
    if (conn.pingAckAtMs <= now) {
      conn.pingSentAtMs = -1;
      conn.pingAckAtMs = Number.POSITIVE_INFINITY;
      this.armNextPing(conn, now);
      return false;
    }
    if (conn.lastFrameAtMs > conn.pingWaitFromMs) {
      conn.pingWaitFromMs = conn.lastFrameAtMs;
      this.schedule(conn, Math.min(conn.pingAckAtMs, conn.pingWaitFromMs + this.model.timeoutMs));
      return false;
    }
    return true;
  }

  /** sendKeepalive: the PING leaves now, or once connected; the timeout starts now either way. */
  private sendPing(conn: Connection, now: number): void {
    conn.pingSentAtMs = now;
    conn.pingWaitFromMs = now;
    conn.pingAckAtMs =
      conn.state === ConnectionState.Connecting ? Number.POSITIVE_INFINITY : ackAtMs(conn.server!, now);
    this.schedule(conn, Math.min(conn.pingAckAtMs, now + this.model.timeoutMs));
  }

  /** onKeepaliveResponse: the next PING after the interval and a jitter below interval_jitter of it. */
  private armNextPing(conn: Connection, now: number): void {
    const mod = this.jitterModMs;
    const jitterMs = mod > 0 ? Math.floor(this.jitterRng() * mod) : 0;
    this.schedule(conn, now + this.model.intervalMs + jitterMs);
  }

  private schedule(conn: Connection, atMs: number): void {
    if (conn.pingTimer !== -1) this.kernel.cancel(conn.pingTimer);
    conn.pingTimer = this.kernel.schedule(atMs, this.pingEvent, conn.id);
  }
}

/** A live server acknowledges a PING one round trip after it leaves; a dark one never does. */
function ackAtMs(server: EndpointServer, sentMs: number): number {
  return server.connectOutcome === 'blackhole' ? Number.POSITIVE_INFINITY : sentMs + server.rttMs;
}
