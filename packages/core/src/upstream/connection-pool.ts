import type { EventHandle } from '../kernel/event-queue.js';
import type { Kernel } from '../kernel/kernel.js';
import type { RecyclingTable } from '../kernel/recycling-table.js';
import type { ClusterStats } from '../observe/cluster-stats.js';
import type { EndpointServer } from '../world/endpoint-server.js';
import type { ResourceManager } from './circuit-breakers.js';
import type { Host } from './host.js';
import { PendingQueue } from './pending-queue.js';

export const ConnectionState = { Connecting: 0, Ready: 1, Busy: 2, Closed: 3 } as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/** An upstream connection; HTTP/1.1 carries one stream at a time. */
export class Connection {
  state: ConnectionState = ConnectionState.Closed;
  pool: ConnectionPool | null = null;
  streamRequest = -1;
  /** The endpoint this connection reached; a LOGICAL_DNS connection keeps its address until it closes. */
  server: EndpointServer | null = null;
  /** The pending connect outcome (done or refused) and the connect timeout. */
  connectEvent: EventHandle = -1;
  connectTimer: EventHandle = -1;
  /** Streams it may still carry (max_requests_per_connection), and whether it drains after this one. */
  remainingStreams = 0;
  draining = false;
  /** When it last became idle, and its pending idle check. */
  idleSinceMs = 0;
  idleTimer: EventHandle = -1;
  constructor(readonly id: number) {}

  reset(): void {
    this.state = ConnectionState.Closed;
    this.pool = null;
    this.streamRequest = -1;
    this.server = null;
    this.connectEvent = -1;
    this.connectTimer = -1;
    this.draining = false;
    this.idleTimer = -1;
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
  readonly connections: ConnectionTable;
  readonly callbacks: PoolCallbacks;
  /** What TCP pools report to: the tcp_proxy sessions. */
  readonly tcpCallbacks?: PoolCallbacks;
}

/** Envoy's happy-eyeballs delay before trying a logical host's next address. */
const HAPPY_EYEBALLS_DELAY_MS = 300;

/** How the endpoint answers a connection attempt (the Scenario's `connect`). */
export type ConnectOutcome = 'ok' | 'refuse' | 'blackhole' | 'tlsError';

/** How a cluster's connections are set up and retired (from the DestinationRule). */
export interface ConnectionSettings {
  connectTimeoutMs: number;
  /** Round trips the TLS handshake adds after TCP's (0 without TLS origination; TLS 1.3: 1). */
  tlsHandshakeRtts: number;
  /** 0 = unlimited. */
  maxRequestsPerConnection: number;
  /** 0 = never. */
  idleTimeoutMs: number;
  /**
   * Envoy's TCP pool (tcp_proxy): a connection serves one session and closes with it, never returns to
   * the pool, and max_requests is not enforced (Tcp::ConnPoolImpl::enforceMaxRequests is false).
   * Absent: an HTTP pool.
   */
  tcp?: boolean;
}

/**
 * Envoy's HTTP/1.1 pool for one (worker, host): ready connections are used at once; otherwise the
 * request waits in a FIFO pending queue bounded by the cluster's max_pending_requests, and the pool
 * opens connections until connecting capacity covers the pending requests, within max_connections —
 * except that a pool with no connection at all always opens one (ConnPoolImplBase::tryCreateNewConnection).
 * A connection that fails to connect fails every request pending on the pool (purgePendingStreams).
 */
export class ConnectionPool {
  /** Ready connections, most recently readied first, as Envoy's ready_clients_ list. */
  private readonly ready: Connection[] = [];
  private readonly pending = new PendingQueue();
  private connecting = 0;
  private total = 0;

  constructor(
    readonly host: Host,
    readonly worker: number,
    private readonly resources: ResourceManager,
    private readonly stats: ClusterStats,
    private readonly context: PoolContext,
    private readonly settings: ConnectionSettings,
  ) {}

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
    const conn = this.ready.pop();
    if (conn !== undefined) {
      this.attach(conn, requestId);
      return;
    }
    if (!this.resources.canCreatePendingRequest()) {
      this.stats.upstream_rq_pending_overflow++;
      this.callbacks.onPoolFailure(requestId, PoolFailureReason.Overflow);
      return;
    }
    this.pending.push(requestId, tag);
    this.resources.pendingRequests++;
    this.stats.upstream_rq_pending_total++;
    this.tryCreateConnections();
  }

  /** The router gave up on a request still pending here (timeout): it leaves the queue's count now. */
  cancelPending(): void {
    this.pending.cancelOne();
    this.resources.pendingRequests--;
  }

  /** The stream on `conn` ended with a complete response; the connection is reused (keep-alive). */
  onStreamClosed(conn: Connection): void {
    this.releaseStream(conn);
    if (conn.draining || this.settings.tcp === true) {
      // max_requests_per_connection reached: the connection closes once its last stream is done.
      this.closeAndReplace(conn);
      return;
    }
    this.makeReady(conn);
    this.onUpstreamReady();
  }

  /** The router reset the stream (a timeout): an HTTP/1.1 connection cannot be reused mid-response. */
  resetStream(conn: Connection): void {
    this.releaseStream(conn);
    this.stats.upstream_cx_destroy_local_with_active_rq++;
    this.closeAndReplace(conn);
  }

  /** The upstream closed the connection with the stream active (a reset before the response). */
  onRemoteClose(conn: Connection): void {
    this.releaseStream(conn);
    this.stats.upstream_cx_destroy_remote_with_active_rq++;
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
    this.ready.splice(this.ready.indexOf(conn), 1);
    this.stats.upstream_cx_destroy++;
    this.destroy(conn);
  }

  /** The connect completed (TCP handshake). */
  onConnected(conn: Connection): void {
    this.context.kernel.cancel(conn.connectTimer);
    conn.connectEvent = -1;
    conn.connectTimer = -1;
    this.connecting--;
    this.makeReady(conn);
    this.onUpstreamReady();
  }

  /** Back in the ready list, idle from now: the idle timeout starts (checked lazily, one event per period). */
  private makeReady(conn: Connection): void {
    conn.state = ConnectionState.Ready;
    this.ready.push(conn);
    const timeout = this.settings.idleTimeoutMs;
    if (timeout <= 0) return;
    const kernel = this.context.kernel;
    conn.idleSinceMs = kernel.nowMs;
    if (conn.idleTimer === -1)
      conn.idleTimer = kernel.scheduleIn(timeout, this.context.idleCheckEvent, conn.id);
  }

  /** The idle check fired: close the connection if it has been idle a whole timeout, else look again later. */
  onIdleCheck(conn: Connection): void {
    conn.idleTimer = -1;
    if (conn.state !== ConnectionState.Ready) return;
    const kernel = this.context.kernel;
    const due = conn.idleSinceMs + this.settings.idleTimeoutMs;
    if (due > kernel.nowMs) {
      conn.idleTimer = kernel.schedule(due, this.context.idleCheckEvent, conn.id);
      return;
    }
    this.ready.splice(this.ready.indexOf(conn), 1);
    this.stats.upstream_cx_idle_timeout++;
    this.stats.upstream_cx_destroy++;
    this.destroy(conn);
  }

  /** The connect failed: refused (RST) or timed out. Every pending request of this pool fails. */
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
      this.resources.pendingRequests--;
      callbacks.onPoolFailure(id, reason);
    }
    if (this.pending.live > 0) this.tryCreateConnections();
  }

  private releaseStream(conn: Connection): void {
    conn.streamRequest = -1;
    this.host.rqActive--;
    this.resources.requests--;
  }

  private destroy(conn: Connection): void {
    if (conn.idleTimer !== -1) this.context.kernel.cancel(conn.idleTimer);
    this.total--;
    this.resources.connections--;
    this.context.connections.release(conn);
  }

  private attach(conn: Connection, requestId: number): void {
    if (this.settings.tcp !== true && !this.resources.canCreateRequest()) {
      // max_requests overflow leaves the connection ready for the next stream.
      this.ready.push(conn);
      this.stats.upstream_rq_pending_overflow++;
      this.callbacks.onPoolFailure(requestId, PoolFailureReason.Overflow);
      return;
    }
    conn.state = ConnectionState.Busy;
    conn.streamRequest = requestId;
    if (this.settings.maxRequestsPerConnection > 0 && --conn.remainingStreams === 0) {
      conn.draining = true;
      this.stats.upstream_cx_max_requests++;
    }
    this.host.rqActive++;
    this.host.rqTotal++;
    this.resources.requests++;
    this.stats.upstream_rq_total++;
    this.callbacks.onPoolReady(requestId, conn);
  }

  /** Oldest live pending request first onto each ready connection. */
  private onUpstreamReady(): void {
    const callbacks = this.callbacks;
    while (this.pending.live > 0 && this.ready.length > 0) {
      const id = this.pending.peekId();
      const tag = this.pending.peekTag();
      this.pending.shift();
      if (!callbacks.isWaiting(id, tag)) continue;
      this.pending.live--;
      this.resources.pendingRequests--;
      this.attach(this.ready.pop()!, id);
    }
  }

  private tryCreateConnections(): void {
    // Envoy opens at most three connections per call.
    for (let i = 0; i < 3; i++) if (!this.tryCreateConnection()) return;
  }

  private tryCreateConnection(): boolean {
    if (this.pending.live <= this.connecting) return false;
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
    conn.remainingStreams = this.settings.maxRequestsPerConnection;
    this.connecting++;
    this.total++;
    this.resources.connections++;
    this.stats.upstream_cx_total++;
    // Happy eyeballs over a logical host's answers (MultiConnectionBaseImpl): the next address starts
    // when the previous one fails, or after 300 ms without connecting; the first to connect wins.
    const targets = this.host.connectTargets();
    const tlsRtts = this.settings.tlsHandshakeRtts;
    let startMs = 0;
    for (let i = 0; i < targets.length; i++) {
      const server = this.host.serverFor(targets[i]!);
      const outcome = server.connectOutcome;
      if (outcome === 'ok' || (outcome === 'tlsError' && tlsRtts === 0)) {
        // TCP, then the TLS handshake the cluster originates: the connect timeout covers both (E.3).
        conn.server = server;
        const at = startMs + server.rttMs * (1 + tlsRtts);
        conn.connectEvent = kernel.scheduleIn(at, this.context.connectDoneEvent, conn.id);
        break;
      }
      if (outcome === 'tlsError') {
        // TCP connects, the handshake fails: a connection failure, after happy eyeballs has settled.
        const at = startMs + server.rttMs * (1 + tlsRtts);
        conn.connectEvent = kernel.scheduleIn(at, this.context.connectRefusedEvent, conn.id);
        break;
      }
      const last = i === targets.length - 1;
      // A refused SYN comes back as RST after one round trip; a black hole never answers.
      if (outcome === 'refuse') {
        if (last)
          conn.connectEvent = kernel.scheduleIn(
            startMs + server.rttMs,
            this.context.connectRefusedEvent,
            conn.id,
          );
        startMs += server.rttMs;
      } else {
        startMs += HAPPY_EYEBALLS_DELAY_MS;
      }
    }
    conn.connectTimer = kernel.scheduleIn(
      this.settings.connectTimeoutMs,
      this.context.connectTimeoutEvent,
      conn.id,
    );
  }
}
