import type { UpstreamProtocol } from '../envoy/http-protocol.js';
import type { EventHandle } from '../kernel/event-queue.js';
import type { Kernel } from '../kernel/kernel.js';
import type { RecyclingTable } from '../kernel/recycling-table.js';
import type { ClusterStats } from '../observe/cluster-stats.js';
import type { TraceRecorder } from '../observe/trace.js';
import type { EndpointServer } from '../world/endpoint-server.js';
import type { ResourceManager } from './circuit-breakers.js';
import { PendingQueue } from './pending-queue.js';
import {
  keepaliveDueMs,
  keepaliveSurvives,
  startKeepalive,
  type TcpKeepaliveSettings,
} from './tcp-keepalive.js';

export const ConnectionState = { Connecting: 0, Ready: 1, Busy: 2, Closed: 3 } as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/**
 * An upstream connection: HTTP/1.1 carries one stream at a time, HTTP/2 up to max_concurrent_streams.
 * Ready = connected with unused stream capacity; Busy = connected and full, or draining.
 */
export class Connection {
  state: ConnectionState = ConnectionState.Closed;
  pool: ConnectionPool | null = null;
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
  }
}

/** What a pool needs of the host it belongs to: its load counters and the endpoint it connects to. */
export interface PoolHost {
  /** Requests active on the host over every worker (LEAST_REQUEST reads it). */
  rqActive: number;
  rqTotal: number;
  readonly hostPort: string;
  /** The addresses a connection opened now tries, in order. */
  connectTargets(): readonly string[];
  serverFor(address: string): EndpointServer;
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

/** What the router hears back from a pool; implemented once, so no closure per request. */
export interface PoolCallbacks {
  onPoolReady(requestId: number, connection: Connection): void;
  onPoolFailure(requestId: number, reason: PoolFailureReason): void;
  /** Whether `requestId` still waits in a pool with this attempt tag (cancelled entries are skipped). */
  isWaiting(requestId: number, tag: number): boolean;
}

/** Everything a pool shares with the other pools of the simulation. */
export interface PoolContext {
  readonly kernel: Kernel;
  readonly connectDoneEvent: number;
  readonly connectRefusedEvent: number;
  readonly connectTimeoutEvent: number;
  readonly idleCheckEvent: number;
  /** Fires a connection's max_connection_duration (needed when a cluster sets one). */
  readonly maxDurationEvent?: number;
  readonly connections: ConnectionTable;
  readonly callbacks: PoolCallbacks;
  /** The run's event trace, when one is recorded. */
  readonly trace: TraceRecorder | null;
  /** What TCP pools report to: the tcp_proxy sessions. */
  readonly tcpCallbacks?: PoolCallbacks;
}

/** Envoy's happy-eyeballs delay before trying a logical host's next address. */
const HAPPY_EYEBALLS_DELAY_MS = 300;

/** How a cluster's connections are set up and retired (from the DestinationRule). */
export interface ConnectionSettings {
  /** The cluster's name, `outbound|PORT|SUBSET|HOST` (for the event trace). */
  cluster: string;
  connectTimeoutMs: number;
  /** Whether the cluster originates TLS: the handshake follows TCP's on every connect (E.3). */
  originatesTls: boolean;
  /** 0 = unlimited. */
  maxRequestsPerConnection: number;
  /** 0 = never. */
  idleTimeoutMs: number;
  /** common_http_protocol_options.max_connection_duration from the connect; absent or 0: none. */
  maxConnectionDurationMs?: number;
  /** upstream_connection_options.tcp_keepalive; absent or null: no probes. */
  tcpKeepalive?: TcpKeepaliveSettings | null;
  protocol: UpstreamProtocol;
  /** Streams one connection carries at once: 1 for HTTP/1.1, http2_protocol_options.max_concurrent_streams for HTTP/2. */
  maxConcurrentStreams: number;
  /**
   * Envoy's TCP pool (tcp_proxy): a connection serves one session and closes with it, never returns to
   * the pool, and max_requests is not enforced (Tcp::ConnPoolImpl::enforceMaxRequests is false).
   * Absent: an HTTP pool.
   */
  tcp?: boolean;
}

/**
 * Envoy's TLS client context keeps one session (max_session_keys 1) for the whole cluster, shared by the
 * workers: a handshake with the server that issued it resumes. TLS 1.3 takes one round trip either way;
 * TLS 1.2 takes two in full and one resumed (E.3).
 */
export class TlsSessionCache {
  private server: EndpointServer | null = null;
  /** The version the cached session was made with: a TLS 1.3 session cannot resume a 1.2 handshake. */
  private version: '1.2' | '1.3' = '1.3';

  handshakeRtts(server: EndpointServer): number {
    if (server.tlsMaxVersion === '1.3') return 1;
    return this.server === server && this.version === '1.2' ? 1 : 2;
  }

  /** A handshake completed: its session is now the one offered next. */
  remember(server: EndpointServer): void {
    this.server = server;
    this.version = server.tlsMaxVersion;
  }
}

/**
 * Envoy's connection pool for one (worker, host), after ConnPoolImplBase: a stream goes at once to the
 * most recently readied connection with unused capacity; otherwise it waits in a FIFO pending queue
 * bounded by the cluster's max_pending_requests, and the pool opens connections until the streams the
 * connecting ones will carry cover the pending requests, within max_connections — except that a pool
 * with no connection at all always opens one (tryCreateNewConnection). A connection that fails to
 * connect fails every request pending on the pool (purgePendingStreams). HTTP/1.1 connections carry one
 * stream; HTTP/2 ones multiplex up to max_concurrent_streams.
 */
export class ConnectionPool {
  /** Connections with unused capacity, most recently readied last, as Envoy's ready_clients_ front. */
  private readonly ready: Connection[] = [];
  private readonly pending = new PendingQueue();
  private connecting = 0;
  private total = 0;
  /** Streams a new connection can carry: min(max_concurrent_streams, max_requests_per_connection). */
  private readonly connectCapacity: number;
  private readonly remainingPerConnection: number;

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
  }

  /** The router, or for a TCP pool the tcp_proxy; read late, as the router is wired after the pools. */
  private get callbacks(): PoolCallbacks {
    return (this.settings.tcp === true ? this.context.tcpCallbacks : undefined) ?? this.context.callbacks;
  }

  get isTcp(): boolean {
    return this.settings.tcp === true;
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
    if (conn.draining || this.settings.tcp === true) {
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
    if (this.settings.protocol === 'HTTP/2') {
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
    if (this.settings.originatesTls) this.tlsSessions.remember(conn.server!);
    this.makeReady(conn);
    if (this.settings.tcp !== true) {
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
    conn.remoteCloseAtMs = conn.server!.finArrivalMs(now);
    startKeepalive(conn, this.settings.tcpKeepalive ?? null, now);
    const due = this.idleDueMs(conn);
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
    const timeout = this.settings.idleTimeoutMs;
    const local = timeout > 0 ? conn.idleSinceMs + timeout : Number.POSITIVE_INFINITY;
    return Math.min(local, conn.remoteCloseAtMs, keepaliveDueMs(conn));
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
    const timeout = this.settings.idleTimeoutMs;
    if (timeout > 0 && conn.idleSinceMs + timeout <= now) {
      this.stats.upstream_cx_idle_timeout++;
    } else if (conn.remoteCloseAtMs <= now) {
      this.stats.upstream_cx_destroy_remote++;
    } else if (
      !keepaliveSurvives(
        conn,
        this.settings.tcpKeepalive ?? null,
        conn.server!.connectOutcome === 'blackhole',
        now,
      )
    ) {
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
    this.total--;
    this.resources.decConnections();
    this.context.connections.release(conn);
  }

  /** attachStreamToClient: `conn` is the last of the ready list. */
  private attach(conn: Connection, requestId: number): void {
    if (this.settings.tcp !== true && !this.resources.canCreateRequest()) {
      // max_requests overflow leaves the connection ready for the next stream.
      this.stats.upstream_rq_pending_overflow++;
      this.callbacks.onPoolFailure(requestId, PoolFailureReason.Overflow);
      return;
    }
    const capacity = Math.min(conn.remainingStreams, this.settings.maxConcurrentStreams - conn.activeStreams);
    if (--conn.remainingStreams === 0) {
      conn.draining = true;
      this.stats.upstream_cx_max_requests++;
      conn.state = ConnectionState.Busy;
      this.ready.pop();
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
    if (this.settings.tcp !== true) {
      if (this.settings.protocol === 'HTTP/2') this.stats.upstream_cx_http2_total++;
      else this.stats.upstream_cx_http1_total++;
    }
    // Happy eyeballs over a logical host's answers (MultiConnectionBaseImpl): the next address starts
    // when the previous one fails, or after 300 ms without connecting; the first to connect wins.
    const targets = this.host.connectTargets();
    const tls = this.settings.originatesTls;
    let startMs = 0;
    /** When the connect outcome is due, from now (meaningful once `connectEvent` is set). */
    let connectAtMs = 0;
    for (let i = 0; i < targets.length; i++) {
      const server = this.host.serverFor(targets[i]!);
      const outcome = server.connectOutcome;
      if (outcome === 'ok' || (outcome === 'tlsError' && !tls)) {
        // TCP, then the TLS handshake the cluster originates: the connect timeout covers both (E.3).
        conn.server = server;
        const tlsRtts = tls ? this.tlsSessions.handshakeRtts(server) : 0;
        connectAtMs = startMs + server.rttMs * (1 + tlsRtts);
        conn.connectEvent = kernel.scheduleIn(connectAtMs, this.context.connectDoneEvent, conn.id);
        break;
      }
      if (outcome === 'tlsError') {
        // TCP connects; the server's first flight (its certificate, or a version alert) fails the
        // handshake one round trip later, in TLS 1.2 and 1.3 alike.
        connectAtMs = startMs + server.rttMs * 2;
        conn.connectEvent = kernel.scheduleIn(connectAtMs, this.context.connectRefusedEvent, conn.id);
        break;
      }
      const last = i === targets.length - 1;
      // A refused SYN comes back as RST after one round trip; a black hole never answers.
      if (outcome === 'refuse') {
        if (last) {
          connectAtMs = startMs + server.rttMs;
          conn.connectEvent = kernel.scheduleIn(connectAtMs, this.context.connectRefusedEvent, conn.id);
        }
        startMs += server.rttMs;
      } else {
        startMs += HAPPY_EYEBALLS_DELAY_MS;
      }
    }
    // An outcome due no later than the timeout fires first (it was scheduled first, and ties go in
    // order) and cancels the timer, so the timer is only needed when the connect would outlast it.
    const timeoutMs = this.settings.connectTimeoutMs;
    if (conn.connectEvent !== -1 && connectAtMs <= timeoutMs) return;
    conn.connectTimer = kernel.scheduleIn(timeoutMs, this.context.connectTimeoutEvent, conn.id);
  }
}
