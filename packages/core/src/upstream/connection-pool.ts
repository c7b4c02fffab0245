import type { Kernel } from '../kernel/kernel.js';
import type { RecyclingTable } from '../kernel/recycling-table.js';
import type { ClusterStats } from '../observe/cluster-stats.js';
import type { ResourceManager } from './circuit-breakers.js';
import type { Host } from './host.js';
import { IndexQueue } from './index-queue.js';

export const ConnectionState = { Connecting: 0, Ready: 1, Busy: 2, Closed: 3 } as const;
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/** An upstream connection; HTTP/1.1 carries one stream at a time. */
export class Connection {
  state: ConnectionState = ConnectionState.Closed;
  pool: ConnectionPool | null = null;
  streamRequest = -1;
  constructor(readonly id: number) {}

  reset(): void {
    this.state = ConnectionState.Closed;
    this.pool = null;
    this.streamRequest = -1;
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
}

/** Everything a pool shares with the other pools of the simulation. */
export interface PoolContext {
  readonly kernel: Kernel;
  readonly connectDoneEvent: number;
  readonly connections: ConnectionTable;
  readonly callbacks: PoolCallbacks;
}

/**
 * Envoy's HTTP/1.1 pool for one (worker, host): ready connections are used at once; otherwise the
 * request waits in a FIFO pending queue bounded by the cluster's max_pending_requests, and the pool
 * opens connections until connecting capacity covers the pending requests, within max_connections —
 * except that a pool with no connection at all always opens one (ConnPoolImplBase::tryCreateNewConnection).
 */
export class ConnectionPool {
  /** Ready connections, most recently readied first, as Envoy's ready_clients_ list. */
  private readonly ready: Connection[] = [];
  private readonly pending = new IndexQueue();
  private connecting = 0;
  private total = 0;

  constructor(
    readonly host: Host,
    readonly worker: number,
    private readonly resources: ResourceManager,
    private readonly stats: ClusterStats,
    private readonly context: PoolContext,
    private readonly connectRttMs: number,
  ) {}

  get pendingCount(): number {
    return this.pending.length;
  }
  get connectionCount(): number {
    return this.total;
  }

  /** ConnPoolImplBase::newStream. */
  newStream(requestId: number): void {
    const conn = this.ready.pop();
    if (conn !== undefined) {
      this.attach(conn, requestId);
      return;
    }
    if (!this.resources.canCreatePendingRequest()) {
      this.stats.upstream_rq_pending_overflow++;
      this.context.callbacks.onPoolFailure(requestId, PoolFailureReason.Overflow);
      return;
    }
    this.pending.push(requestId);
    this.resources.pendingRequests++;
    this.stats.upstream_rq_pending_total++;
    this.tryCreateConnections();
  }

  /** The stream on `conn` ended with a complete response; the connection is reused (keep-alive). */
  onStreamClosed(conn: Connection): void {
    conn.streamRequest = -1;
    this.host.rqActive--;
    this.resources.requests--;
    conn.state = ConnectionState.Ready;
    this.ready.push(conn);
    this.onUpstreamReady();
  }

  /** The TCP handshake finished. */
  onConnected(conn: Connection): void {
    this.connecting--;
    conn.state = ConnectionState.Ready;
    this.ready.push(conn);
    this.onUpstreamReady();
  }

  private attach(conn: Connection, requestId: number): void {
    if (!this.resources.canCreateRequest()) {
      // max_requests overflow leaves the connection ready for the next stream.
      this.ready.push(conn);
      this.stats.upstream_rq_pending_overflow++;
      this.context.callbacks.onPoolFailure(requestId, PoolFailureReason.Overflow);
      return;
    }
    conn.state = ConnectionState.Busy;
    conn.streamRequest = requestId;
    this.host.rqActive++;
    this.host.rqTotal++;
    this.resources.requests++;
    this.stats.upstream_rq_total++;
    this.context.callbacks.onPoolReady(requestId, conn);
  }

  /** Oldest pending request first onto each ready connection. */
  private onUpstreamReady(): void {
    while (this.pending.length > 0 && this.ready.length > 0) {
      const requestId = this.pending.shift();
      this.resources.pendingRequests--;
      this.attach(this.ready.pop()!, requestId);
    }
  }

  private tryCreateConnections(): void {
    // Envoy opens at most three connections per call.
    for (let i = 0; i < 3; i++) if (!this.tryCreateConnection()) return;
  }

  private tryCreateConnection(): boolean {
    if (this.pending.length <= this.connecting) return false;
    const canCreate = this.resources.canCreateConnection();
    if (!canCreate) this.stats.upstream_cx_overflow++;
    if (canCreate || this.total === 0) {
      const conn = this.context.connections.allocate();
      conn.state = ConnectionState.Connecting;
      conn.pool = this;
      this.connecting++;
      this.total++;
      this.resources.connections++;
      this.stats.upstream_cx_total++;
      this.context.kernel.scheduleIn(this.connectRttMs, this.context.connectDoneEvent, conn.id);
    }
    return canCreate;
  }
}
