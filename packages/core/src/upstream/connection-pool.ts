import { CertVerdict } from '../envoy/certificate-verification.js';
import type { TcpKeepaliveModel } from '../envoy/cluster.js';
import type { ClusterStats } from '../observe/cluster-stats.js';
import type { ResourceManager } from './circuit-breakers.js';
import { ConnectAttempt, ConnectEnd } from './connect-attempt.js';
import { type Connection, type ConnectionOwner, ConnectionState, PoolFailureReason } from './connection.js';
import type { Http2Keepalive } from './http2-keepalive.js';
import { PendingQueue } from './pending-queue.js';
import type { ConnectionSettings, PoolCallbacks, PoolContext, PoolHost } from './pool-context.js';
import { idleDueMs, keepaliveDueMs, keepaliveSurvives, startKeepalive } from './tcp-keepalive.js';
import { TlsSessionCache } from './tls-session-cache.js';

/**
 * Envoy's connection pool for one (worker, host), after ConnPoolImplBase: a stream goes at once to the
 * most recently readied connection with unused capacity; otherwise it waits in a FIFO pending queue
 * bounded by the cluster's max_pending_requests, and the pool opens connections until the streams the
 * connecting ones will carry cover the pending requests, within max_connections — except that a pool
 * with no connection at all always opens one (tryCreateNewConnection). A connection that fails to
 * connect fails every request pending on the pool (purgePendingStreams). HTTP/1.1 connections carry one
 * stream; HTTP/2 ones multiplex up to max_concurrent_streams.
 */
export class ConnectionPool implements ConnectionOwner {
  /** Connections with unused capacity, most recently readied last, as Envoy's ready_clients_ front. */
  private readonly ready: Connection[] = [];
  private readonly pending = new PendingQueue();
  private connecting = 0;
  private total = 0;
  /** Where the next connect goes and when it ends; reused by every connect. */
  private readonly connectAttempt = new ConnectAttempt();
  /** Streams a new connection can carry: min(max_concurrent_streams, max_requests_per_connection). */
  private readonly connectCapacity: number;
  private readonly remainingPerConnection: number;
  /** The settings read per request, as plain fields of this pool. */
  private readonly tcp: boolean;
  private readonly http2: boolean;
  private readonly maxConcurrentStreams: number;
  private readonly idleTimeoutMs: number;
  private readonly keepalive: TcpKeepaliveModel | null;
  /** The cluster's HTTP/2 PING keepalive; null: no PINGs (HTTP/1.1, or none configured). */
  private readonly pings: Http2Keepalive | null;
  /** The router or tcp_proxy, found on first use (they are wired after the pools). */
  private callbacksFound: PoolCallbacks | null = null;

  constructor(
    readonly host: PoolHost,
    readonly worker: number,
    private readonly resources: ResourceManager,
    private readonly stats: ClusterStats,
    private readonly context: PoolContext,
    private readonly settings: ConnectionSettings,
    private readonly tlsSessions: TlsSessionCache = new TlsSessionCache(),
  ) {
    const perConnection = settings.maxRequestsPerConnection;
    this.remainingPerConnection = perConnection > 0 ? perConnection : Number.POSITIVE_INFINITY;
    this.connectCapacity = Math.min(settings.maxConcurrentStreams, this.remainingPerConnection);
    this.tcp = settings.tcp === true;
    this.http2 = settings.protocol === 'HTTP/2';
    this.maxConcurrentStreams = settings.maxConcurrentStreams;
    this.idleTimeoutMs = settings.idleTimeoutMs;
    this.keepalive = settings.tcpKeepalive ?? null;
    this.pings = settings.http2Keepalive ?? null;
  }

  /** The router, or for a TCP pool the tcp_proxy; read late, as the router is wired after the pools. */
  private get callbacks(): PoolCallbacks {
    this.callbacksFound ??= (this.tcp ? this.context.tcpCallbacks : undefined) ?? this.context.callbacks;
    return this.callbacksFound;
  }

  get isTcp(): boolean {
    return this.tcp;
  }

  get isHttp2(): boolean {
    return this.http2;
  }

  get pendingCount(): number {
    return this.pending.live;
  }
  get connectionCount(): number {
    return this.total;
  }

  /** ConnPoolImplBase::newStream; `tag` identifies the attempt so a cancelled entry is skipped. */
  newStream(requestId: number, tag: number): void {
    const ready = this.ready;
    if (ready.length > 0) {
      this.attach(ready[ready.length - 1]!, requestId);
      return;
    }
    if (!this.resources.canCreatePendingRequest()) {
      this.stats.upstream_rq_pending_overflow++;
      this.callbacks.onPoolFailure(requestId, PoolFailureReason.Overflow);
      return;
    }
    this.pending.push(requestId, tag);
    this.resources.incPendingRequests();
    this.stats.upstream_rq_pending_total++;
    this.tryCreateConnections();
  }

  /** The router gave up on a request still pending here (timeout): it leaves the queue's count now. */
  cancelPending(): void {
    this.pending.cancelOne();
    this.resources.decPendingRequests();
  }

  /** A stream on `conn` ended with a complete response; the connection is reused (keep-alive). */
  onStreamClosed(conn: Connection): void {
    this.releaseStream(conn);
    if (conn.draining || this.tcp) {
      // max_requests_per_connection reached, or a TCP session ended: it closes once its last stream is done.
      if (conn.activeStreams === 0) this.closeAndReplace(conn);
      return;
    }
    const wasFull = conn.state === ConnectionState.Busy;
    if (wasFull) this.makeReady(conn);
    if (conn.activeStreams === 0) this.markIdle(conn);
    if (wasFull) this.onUpstreamReady();
  }

  /**
   * The router reset the stream (a timeout). HTTP/1.1 cannot reuse a connection mid-response, so it
   * closes; HTTP/2 resets just the stream (RST_STREAM) and the connection carries on.
   */
  resetStream(conn: Connection): void {
    if (this.http2) {
      this.onStreamClosed(conn);
      return;
    }
    this.releaseStream(conn);
    this.stats.upstream_cx_destroy_local_with_active_rq++;
    this.closeAndReplace(conn);
  }

  /** The upstream closed the connection with streams active: all of them end with it (the router resets each). */
  onRemoteClose(conn: Connection): void {
    const streams = conn.activeStreams;
    conn.activeStreams = 0;
    this.host.rqActive -= streams;
    this.resources.decRequests(streams);
    this.stats.upstream_cx_destroy_remote++;
    if (streams > 0) this.stats.upstream_cx_destroy_remote_with_active_rq++;
    if (conn.state === ConnectionState.Ready) this.leaveReady(conn);
    this.closeAndReplace(conn);
  }

  /**
   * The sidecar closed the connection itself (an HTTP/2 keepalive timeout), idle or with streams (the
   * router resets each first): a local close, so upstream_cx_destroy_local_with_active_rq when it carried any.
   */
  onLocalClose(conn: Connection): void {
    const streams = conn.activeStreams;
    conn.activeStreams = 0;
    this.host.rqActive -= streams;
    this.resources.decRequests(streams);
    if (streams > 0) this.stats.upstream_cx_destroy_local_with_active_rq++;
    if (conn.state === ConnectionState.Ready) this.leaveReady(conn);
    this.closeAndReplace(conn);
  }

  /**
   * The connection's PING timer: onKeepaliveResponseTimeout counts http2.keepalive_timeout and closes the
   * connection. Still connecting, that is a local connect failure (every pending request fails, UF); with
   * streams, each is reset (connection termination, UC); idle, it just closes.
   */
  onPingTimer(conn: Connection): void {
    if (!this.pings!.onTimer(conn)) return;
    this.stats.http2_keepalive_timeout++;
    if (conn.state === ConnectionState.Connecting) {
      // Closed before the handshake could fail on a certificate: no ssl.fail_verify_* either.
      conn.certVerdict = CertVerdict.Ok;
      this.onConnectFailed(conn, PoolFailureReason.LocalConnectionFailure);
    } else if (conn.activeStreams > 0 && this.callbacks.onLocalClose !== undefined) {
      this.callbacks.onLocalClose(conn);
    } else {
      this.onLocalClose(conn);
    }
  }

  /** A connection with no stream left closes; requests still pending get a new one. */
  private closeAndReplace(conn: Connection): void {
    this.stats.upstream_cx_destroy++;
    this.destroy(conn);
    if (this.pending.live > 0) this.tryCreateConnections();
  }

  /** The server behind an idle connection went away: the connection closes. */
  closeIdle(conn: Connection): void {
    this.leaveReady(conn);
    this.stats.upstream_cx_destroy++;
    this.stats.upstream_cx_destroy_remote++;
    this.destroy(conn);
  }

  /** The connect completed (TCP handshake, then TLS when the cluster originates it). */
  onConnected(conn: Connection): void {
    if (conn.connectTimer !== -1) this.context.kernel.cancel(conn.connectTimer);
    conn.connectEvent = -1;
    conn.connectTimer = -1;
    const durationMs = this.settings.maxConnectionDurationMs ?? 0;
    if (durationMs > 0) {
      conn.durationTimer = this.context.kernel.scheduleIn(
        durationMs,
        this.context.maxDurationEvent!,
        conn.id,
      );
    }
    this.connecting--;
    if (this.pings !== null) this.pings.onConnected(conn);
    if (this.settings.originatesTls) this.tlsSessions.remember(conn.server!);
    this.makeReady(conn);
    if (!this.tcp) {
      this.markIdle(conn);
      this.onUpstreamReady();
      return;
    }
    // A TCP connection that takes a session now is never idle again (it closes with the session), so
    // its idle clocks start only if it is still unused; onUpstreamReady scheduled nothing in that case.
    this.onUpstreamReady();
    if (conn.state === ConnectionState.Ready && conn.activeStreams === 0) this.markIdle(conn);
  }

  /** Into the ready list: it has unused capacity. */
  private makeReady(conn: Connection): void {
    conn.state = ConnectionState.Ready;
    this.ready.push(conn);
  }

  private leaveReady(conn: Connection): void {
    this.ready.splice(this.ready.indexOf(conn), 1);
  }

  /**
   * No stream left: idle from now. Two clocks start: the sidecar's idle timeout, and the server's
   * (`idleTimeout`), which began with the last byte the server sent: that byte arrives now, so its FIN
   * would arrive `idleTimeout` from now. One check event per idle period, at the earlier.
   */
  private markIdle(conn: Connection): void {
    const kernel = this.context.kernel;
    const now = kernel.nowMs;
    conn.idleSinceMs = now;
    const finMs = conn.server!.finArrivalMs(now);
    conn.remoteCloseAtMs = finMs;
    // Without keepalive the probe clocks stay at Infinity (set so at reset, never moved).
    let due = this.idleTimeoutMs > 0 ? now + this.idleTimeoutMs : Number.POSITIVE_INFINITY;
    if (finMs < due) due = finMs;
    if (this.keepalive !== null) {
      startKeepalive(conn, this.keepalive, now);
      due = Math.min(due, keepaliveDueMs(conn));
    }
    if (due === Number.POSITIVE_INFINITY) return;
    if (conn.idleTimer !== -1) {
      // A check still pending from an earlier period looks again when it fires, unless it is late.
      if (conn.idleCheckAtMs <= due) return;
      kernel.cancel(conn.idleTimer);
    }
    conn.idleCheckAtMs = due;
    conn.idleTimer = kernel.schedule(due, this.context.idleCheckEvent, conn.id);
  }

  /** The earliest of the sidecar's idle timeout, the server's FIN and the keepalive's next step. */
  private idleDueMs(conn: Connection): number {
    return idleDueMs(conn.idleSinceMs, this.idleTimeoutMs, conn.remoteCloseAtMs, conn);
  }

  /**
   * The idle check fired: the sidecar closes a connection idle a whole timeout (first, on a tie);
   * a server's FIN closes it from the other side; otherwise look again when the next is due.
   */
  onIdleCheck(conn: Connection): void {
    conn.idleTimer = -1;
    if (conn.state !== ConnectionState.Ready || conn.activeStreams > 0) return;
    const kernel = this.context.kernel;
    const now = kernel.nowMs;
    const timeout = this.idleTimeoutMs;
    if (timeout > 0 && conn.idleSinceMs + timeout <= now) {
      this.stats.upstream_cx_idle_timeout++;
    } else if (conn.remoteCloseAtMs <= now) {
      this.stats.upstream_cx_destroy_remote++;
    } else if (!keepaliveSurvives(conn, this.keepalive, conn.server!.connectOutcome === 'blackhole', now)) {
      // The kernel gave up on a host that answered none of the probes (ETIMEDOUT): a remote close to Envoy.
      this.stats.upstream_cx_destroy_remote++;
    } else {
      conn.idleCheckAtMs = this.idleDueMs(conn);
      conn.idleTimer = kernel.schedule(conn.idleCheckAtMs, this.context.idleCheckEvent, conn.id);
      return;
    }
    this.leaveReady(conn);
    this.stats.upstream_cx_destroy++;
    this.destroy(conn);
  }

  /**
   * ActiveClient::onConnectionDurationTimeout: the connection drains (no new stream) and closes once its
   * streams are done, at once when it has none.
   */
  onMaxDuration(conn: Connection): void {
    conn.durationTimer = -1;
    if (conn.draining) return;
    this.stats.upstream_cx_max_duration_reached++;
    conn.draining = true;
    if (conn.state === ConnectionState.Ready) this.leaveReady(conn);
    conn.state = ConnectionState.Busy;
    if (conn.activeStreams === 0) this.closeAndReplace(conn);
  }

  /** The connect failed: refused (RST), TLS handshake failed, or timed out. Every pending request of this pool fails. */
  onConnectFailed(conn: Connection, reason: PoolFailureReason): void {
    const kernel = this.context.kernel;
    kernel.cancel(conn.connectTimer);
    kernel.cancel(conn.connectEvent);
    this.stats.upstream_cx_connect_fail++;
    if (reason === PoolFailureReason.Timeout) this.stats.upstream_cx_connect_timeout++;
    else if (conn.certVerdict !== CertVerdict.Ok) this.stats.countCertFailure(conn.certVerdict);
    this.stats.upstream_cx_destroy++;
    this.connecting--;
    this.destroy(conn);
    const callbacks = this.callbacks;
    // purgePendingStreams: fail every request waiting here; a retry they start is queued afresh.
    let n = this.pending.length;
    while (n-- > 0) {
      const id = this.pending.peekId();
      const tag = this.pending.peekTag();
      this.pending.shift();
      if (!callbacks.isWaiting(id, tag)) continue;
      this.pending.live--;
      this.resources.decPendingRequests();
      callbacks.onPoolFailure(id, reason);
    }
    if (this.pending.live > 0) this.tryCreateConnections();
  }

  private releaseStream(conn: Connection): void {
    conn.activeStreams--;
    this.host.rqActive--;
    this.resources.decRequests(1);
  }

  private destroy(conn: Connection): void {
    if (conn.durationTimer !== -1) this.context.kernel.cancel(conn.durationTimer);
    if (this.context.trace !== null) this.context.trace.connectionClosed(conn.id, this.settings.cluster);
    if (conn.idleTimer !== -1) this.context.kernel.cancel(conn.idleTimer);
    if (this.pings !== null) this.pings.stop(conn);
    this.total--;
    this.resources.decConnections();
    this.context.connections.release(conn);
  }

  /** attachStreamToClient: `conn` is the last of the ready list. */
  private attach(conn: Connection, requestId: number): void {
    if (!this.tcp && !this.resources.canCreateRequest()) {
      this.overflowRequests(requestId);
      return;
    }
    const capacity = Math.min(conn.remainingStreams, this.maxConcurrentStreams - conn.activeStreams);
    if (--conn.remainingStreams === 0) {
      this.drainAtLastStream(conn);
    } else if (capacity === 1) {
      // This stream fills it.
      conn.state = ConnectionState.Busy;
      this.ready.pop();
    }
    conn.activeStreams++;
    this.host.rqActive++;
    this.host.rqTotal++;
    this.resources.incRequests();
    this.stats.upstream_rq_total++;
    this.callbacks.onPoolReady(requestId, conn);
  }

  /** max_requests overflow leaves the connection ready for the next stream. */
  private overflowRequests(requestId: number): void {
    this.stats.upstream_rq_pending_overflow++;
    this.callbacks.onPoolFailure(requestId, PoolFailureReason.Overflow);
  }

  /** max_requests_per_connection reached: the connection takes no more streams and drains. */
  private drainAtLastStream(conn: Connection): void {
    conn.draining = true;
    this.stats.upstream_cx_max_requests++;
    conn.state = ConnectionState.Busy;
    this.ready.pop();
  }

  /** Oldest live pending request first onto the ready connections; then more connections if still short. */
  private onUpstreamReady(): void {
    const callbacks = this.callbacks;
    const ready = this.ready;
    while (this.pending.live > 0 && ready.length > 0) {
      const id = this.pending.peekId();
      const tag = this.pending.peekTag();
      this.pending.shift();
      if (!callbacks.isWaiting(id, tag)) continue;
      this.pending.live--;
      this.resources.decPendingRequests();
      this.attach(ready[ready.length - 1]!, id);
    }
    if (this.pending.live > 0) this.tryCreateConnections();
  }

  private tryCreateConnections(): void {
    // Envoy opens at most three connections per call.
    for (let i = 0; i < 3; i++) if (!this.tryCreateConnection()) return;
  }

  /** shouldCreateNewConnection with the preconnect ratio 1: pending requests beyond what connecting ones will carry. */
  private tryCreateConnection(): boolean {
    if (this.pending.live <= this.connecting * this.connectCapacity) return false;
    const canCreate = this.resources.canCreateConnection();
    if (!canCreate) this.stats.upstream_cx_overflow++;
    if (canCreate || this.total === 0) this.openConnection();
    return canCreate;
  }

  private openConnection(): void {
    const { kernel, connections } = this.context;
    const conn = connections.allocate();
    conn.state = ConnectionState.Connecting;
    conn.pool = this;
    conn.remainingStreams = this.remainingPerConnection;
    if (this.context.trace !== null)
      this.context.trace.connectionOpened(conn.id, this.settings.cluster, this.host.hostPort, this.worker);
    this.connecting++;
    this.total++;
    this.resources.incConnections();
    this.stats.upstream_cx_total++;
    // A TCP pool's connection speaks no HTTP codec.
    if (!this.tcp) {
      if (this.http2) this.stats.upstream_cx_http2_total++;
      else this.stats.upstream_cx_http1_total++;
    }
    if (this.pings !== null) this.pings.start(conn);
    const attempt = this.connectAttempt;
    attempt.plan(this.host, this.settings.originatesTls, this.tlsSessions, this.settings.verifyCertificate);
    conn.certVerdict = attempt.verdict;
    const connectAtMs = attempt.atMs;
    if (attempt.end === ConnectEnd.Connected) {
      conn.server = attempt.server;
      conn.connectEvent = kernel.scheduleIn(connectAtMs, this.context.connectDoneEvent, conn.id);
    } else if (attempt.end === ConnectEnd.Failed) {
      conn.connectEvent = kernel.scheduleIn(connectAtMs, this.context.connectRefusedEvent, conn.id);
    }
    // An outcome due no later than the timeout fires first (it was scheduled first, and ties go in
    // order) and cancels the timer, so the timer is only needed when the connect would outlast it.
    const timeoutMs = this.settings.connectTimeoutMs;
    if (conn.connectEvent !== -1 && connectAtMs <= timeoutMs) return;
    conn.connectTimer = kernel.scheduleIn(timeoutMs, this.context.connectTimeoutEvent, conn.id);
  }
}
