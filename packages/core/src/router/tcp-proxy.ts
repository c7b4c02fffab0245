import { Flag, flagsText } from '../envoy/response-flags.js';
import type { RouteModel } from '../envoy/route.js';
import type { Kernel } from '../kernel/kernel.js';
import type { Rng } from '../kernel/random-streams.js';
import { RecyclingTable } from '../kernel/recycling-table.js';
import type { ClientObserver } from '../observe/client-observer.js';
import type { TraceRecorder } from '../observe/trace.js';
import type { Cluster } from '../upstream/cluster.js';
import { type Connection, PoolFailureReason } from '../upstream/connection.js';
import type { Host } from '../upstream/host.js';
import type { RequestHash } from '../upstream/lb/uint64.js';
import { OutlierResult } from '../upstream/outlier-result.js';
import type { PoolCallbacks } from '../upstream/pool-context.js';
import { idleDueMs, keepaliveSurvives, startKeepalive } from '../upstream/tcp-keepalive.js';
import { AppIdleConnections } from './app-idle-connections.js';
import { appTlsRtts, TcpSession } from './tcp-session.js';
import { pickWeightedCluster } from './weighted-clusters.js';

/**
 * The tcp_proxy network filter of the calling sidecar, for ports that are not HTTP (HTTPS, TLS, TCP …).
 * It sees the application's connections, not its requests: each new connection picks a host and opens
 * one upstream connection, subject to max_connections (checked first, a hard limit here) and the
 * connect timeout; a failed connect is not retried (max_connect_attempts 1) and closes the application's
 * connection (status 0: no HTTP answer at all). Requests then flow through unseen: no route timeout, no
 * retry, no fault, and an HTTP 5xx never reaches outlier detection — only connect failures and timeouts
 * do. With keep-alive, every request of a connection goes to the host it opened to.
 */
export class TcpProxy implements PoolCallbacks {
  readonly sessions = new RecyclingTable((id) => new TcpSession(id));
  /** Application requests sent and not yet answered. */
  inFlight = 0;
  /** The run's event trace, when one is recorded. */
  trace: TraceRecorder | null = null;
  private readonly idle: AppIdleConnections;
  private nextTag = 1;
  private readonly responseEvent: number;
  private readonly appTlsFailedEvent: number;
  private readonly idleCheckEvent: number;
  private readonly durationEvent: number;

  constructor(
    private readonly kernel: Kernel,
    private readonly routes: readonly RouteModel[],
    private readonly clusters: readonly Cluster[],
    private readonly workers: number,
    private readonly workerRng: Rng,
    private readonly weightRng: Rng,
    private readonly client: ClientObserver,
    /** Whether the application behind `source` reuses its connections. */
    private readonly keepAliveOf: (source: number) => boolean,
    private readonly onAnswered: (source: number) => void = () => {},
    /** The application's own name lookup, for ORIGINAL_DST clusters: the first answer, or null. */
    private readonly resolveForApplication: (host: string) => string | null = () => null,
  ) {
    this.idle = new AppIdleConnections(routes.length);
    this.responseEvent = kernel.defineEvent((id) => this.onResponse(id));
    this.appTlsFailedEvent = kernel.defineEvent((id) => this.onAppTlsFailed(id));
    this.idleCheckEvent = kernel.defineEvent((id) => this.onIdleCheck(id));
    this.durationEvent = kernel.defineEvent((id) => this.onMaxDuration(id));
  }

  /** An application request to a tcp-proxied port: on an idle connection of its own, or a new one. */
  startRequest(routeIndex: number, hash: RequestHash | null = null, source = -1): void {
    this.inFlight++;
    const now = this.kernel.nowMs;
    const route = this.routes[routeIndex]!;
    if (route.destinations.length === 0) {
      // No cluster: closed at once; traced on a session slot of its own for that instant.
      const s = this.sessions.allocate();
      this.carry(s, now, source);
      this.close(s, route.localFlags);
      return;
    }
    const keepAlive = this.keepAliveOf(source);
    const idleId = keepAlive ? this.idle.take(routeIndex) : -1;
    if (idleId >= 0) {
      const s = this.sessions.get(idleId);
      s.idle = false;
      this.carry(s, now, source);
      const finMs = s.serverCloseAtMs;
      s.serverCloseAtMs = Number.POSITIVE_INFINITY;
      if (s.connection!.server!.closedBefore(now, finMs)) {
        // The keep-alive race, end to end: the request reaches the server after it closed the idle
        // connection; the FIN closes it under the application, unanswered, when it arrives.
        s.status = 0;
        s.responseEvent = this.kernel.schedule(finMs, this.responseEvent, s.id);
        return;
      }
      this.send(s, 0);
      return;
    }
    const s = this.sessions.allocate();
    s.route = routeIndex;
    s.keepAlive = keepAlive;
    s.hash = hash;
    // Each application connection lands on one worker; connections spread evenly.
    s.worker = Math.floor(this.workerRng() * this.workers);
    s.cluster = pickWeightedCluster(route, this.weightRng);
    this.carry(s, now, source);
    const cluster = this.clusters[s.cluster]!;
    // The proxy's clock for the whole connection starts with it (onNewConnection).
    const maxMs = cluster.model.tcpProxy!.maxConnectionDurationMs;
    if (maxMs > 0) s.durationTimer = this.kernel.scheduleIn(maxMs, this.durationEvent, s.id);
    if (cluster.model.type === 'ORIGINAL_DST') {
      const address = this.resolveForApplication(cluster.model.serviceHost);
      if (address === null) {
        this.close(s, Flag.DF);
        return;
      }
      s.dialedAddress = address;
    }
    this.initializeUpstreamConnection(s);
  }

  private carry(s: TcpSession, now: number, source: number): void {
    s.busy = true;
    s.requestArrivalMs = now;
    s.requestSource = source;
    if (this.trace !== null) this.trace.request(s.id, true);
  }

  /** Filter::initializeUpstreamConnection: breaker, attempts, host, then the pool. */
  private initializeUpstreamConnection(s: TcpSession): void {
    const cluster = this.clusters[s.cluster]!;
    // Checked before the pool, which would otherwise queue the session for a connection never released.
    if (!cluster.resources.canCreateConnection()) {
      cluster.stats.upstream_cx_overflow++;
      this.close(s, s.flags | Flag.UO);
      return;
    }
    if (s.attempts >= cluster.model.tcpProxy!.maxConnectAttempts) {
      cluster.stats.upstream_cx_connect_attempts_exceeded++;
      this.close(s, s.flags | Flag.URX);
      return;
    }
    const host =
      s.dialedAddress !== null
        ? cluster.originalDestination(s.dialedAddress)
        : cluster.chooseHost(s.worker, s.hash, this.kernel.nowMs);
    if (host === null) {
      cluster.stats.upstream_cx_none_healthy++;
      this.close(s, s.flags | Flag.UH);
      return;
    }
    s.attempts++;
    s.host = host;
    if (this.trace !== null) {
      const panic = cluster.priorities.panic[host.priority] === 1;
      this.trace.attempt(s.id, cluster.name, host.hostPort, panic, s.dialedAddress !== null, true);
    }
    s.tag = this.nextTag++;
    const pool = host.pools[s.worker]!;
    s.pendingPool = pool;
    pool.newStream(s.id, s.tag);
  }

  isWaiting(sessionId: number, tag: number): boolean {
    const s = this.sessions.get(sessionId);
    return s.pendingPool !== null && s.tag === tag;
  }

  onPoolReady(sessionId: number, connection: Connection): void {
    const s = this.sessions.get(sessionId);
    s.pendingPool = null;
    s.connection = connection;
    const cluster = this.clusters[s.cluster]!;
    cluster.outlier?.putResult(s.host!, OutlierResult.LocalOriginConnectSuccessFinal, 0);
    if (!cluster.model.tcpProxy!.appTls) {
      this.send(s, 0);
      return;
    }
    // The application's handshake now crosses the proxy. A server whose TLS is broken fails it, and so
    // does TLS the DestinationRule originates underneath (the server reads a ClientHello inside TLS).
    const server = connection.server!;
    const handshakeMs = server.rttMs * appTlsRtts(server.tlsMaxVersion);
    if (server.connectOutcome === 'tlsError' || cluster.model.tlsMode !== 'DISABLE') {
      s.responseEvent = this.kernel.scheduleIn(handshakeMs, this.appTlsFailedEvent, s.id);
      return;
    }
    this.send(s, handshakeMs);
  }

  onPoolFailure(sessionId: number, reason: PoolFailureReason): void {
    const s = this.sessions.get(sessionId);
    s.pendingPool = null;
    const outlier = this.clusters[s.cluster]!.outlier;
    // Filter::onPoolFailure → onUpstreamEvent while connecting: a refusal (remote close) and a timeout are
    // connect failures (UF) charged to the host; an overflow closes locally, uncharged. Then it tries again.
    if (reason === PoolFailureReason.Timeout) {
      outlier?.putResult(s.host!, OutlierResult.LocalOriginTimeout, 0);
      s.flags |= Flag.UF;
    } else if (reason === PoolFailureReason.RemoteConnectionFailure) {
      outlier?.putResult(s.host!, OutlierResult.LocalOriginConnectFailed, 0);
      s.flags |= Flag.UF;
    }
    this.initializeUpstreamConnection(s);
  }

  /** The endpoint went away: the session on `connection` is reset, with its request if one is on it. */
  resetConnection(connection: Connection): void {
    // Rare (an endpoint starting to refuse), so a scan of the sessions is fine.
    for (const s of this.sessions.all()) {
      if (s.connection !== connection || s.route < 0) continue;
      if (s.busy) {
        if (s.responseEvent !== -1) this.kernel.cancel(s.responseEvent);
        s.status = 0;
        this.onResponse(s.id);
        return;
      }
      this.leaveIdle(s);
      connection.pool!.onRemoteClose(connection);
      this.release(s);
      return;
    }
  }

  /** The request crosses the open connection `delayMs` from now (after the application's handshake). */
  private send(s: TcpSession, delayMs: number): void {
    const server = s.connection!.server!;
    const host = s.host!;
    host.appRequests++;
    // LOGICAL_DNS: the address this connection reached carries the request (as the router counts it).
    const byAddress = host.requestsByAddress;
    if (byAddress !== null) byAddress.set(server.address, (byAddress.get(server.address) ?? 0) + 1);
    if (server.connectOutcome === 'blackhole') {
      // The host went dark: no byte comes back. Only the proxy's idle timeout (or the connection's max
      // duration) ends the wait; the request hangs until then.
      s.status = 0;
      s.lastActiveMs = this.kernel.nowMs + delayMs;
      this.armIdleCheck(s);
      return;
    }
    const serverMs = server.serve(this.kernel.nowMs + delayMs + server.rttMs / 2);
    s.status = server.lastStatus;
    s.responseEvent = this.kernel.scheduleIn(delayMs + server.rttMs + serverMs, this.responseEvent, s.id);
  }

  private onResponse(sessionId: number): void {
    const s = this.sessions.get(sessionId);
    s.responseEvent = -1;
    const now = this.kernel.nowMs;
    const connection = s.connection!;
    if (s.status === 0) {
      // The server closed the connection: the proxy closes the application's, which gets no answer.
      this.answer(s, s.requestArrivalMs, s.requestSource, 0, s.flags, s.host);
      connection.pool!.onRemoteClose(connection);
      this.release(s);
      return;
    }
    const source = s.requestSource;
    const arrivalMs = s.requestArrivalMs;
    const status = s.status;
    const host = s.host;
    s.busy = false;
    s.lastActiveMs = now;
    if (s.keepAlive) {
      s.idle = true;
      this.idle.park(s.route, s.id);
      // The server's idle clock began with its last byte, which arrives now: its FIN would arrive
      // `idleTimeout` from now. One check per idle period, at the earlier of that and the proxy's timeout.
      s.serverCloseAtMs = connection.server!.finArrivalMs(now);
      startKeepalive(s, this.clusters[s.cluster]!.model.tcpKeepalive ?? null, now);
      this.armIdleCheck(s);
    } else {
      // The application closes its connection; the proxy closes the upstream one.
      connection.pool!.onStreamClosed(connection);
      this.release(s);
    }
    this.answer(s, arrivalMs, source, status, 0, host);
  }

  /** The handshake of the application's TLS failed: it gives up on the connection, unanswered. */
  private onAppTlsFailed(sessionId: number): void {
    const s = this.sessions.get(sessionId);
    s.responseEvent = -1;
    const connection = s.connection!;
    this.answer(s, s.requestArrivalMs, s.requestSource, 0, s.flags, s.host);
    connection.pool!.onStreamClosed(connection);
    this.release(s);
  }

  /** Filter::onIdleTimeout: no bytes for idle_timeout, so the proxy closes both sides. */
  private onIdleCheck(sessionId: number): void {
    const s = this.sessions.get(sessionId);
    s.idleTimer = -1;
    // A request waiting on a dark host is quiet too: no byte either way since it was sent.
    const hung = s.busy && s.connection !== null && s.responseEvent === -1;
    if (!s.idle && !hung) return;
    const cluster = this.clusters[s.cluster]!;
    const now = this.kernel.nowMs;
    const timeoutMs = cluster.model.tcpProxy!.idleTimeoutMs;
    const connection = s.connection!;
    if (hung) {
      if (timeoutMs <= 0) return;
      if (s.lastActiveMs + timeoutMs > now) {
        s.idleCheckAtMs = s.lastActiveMs + timeoutMs;
        s.idleTimer = this.kernel.schedule(s.idleCheckAtMs, this.idleCheckEvent, s.id);
        return;
      }
      cluster.stats.tcp_idle_timeout++;
      this.answer(s, s.requestArrivalMs, s.requestSource, 0, s.flags, s.host);
      connection.pool!.resetStream(connection);
      this.release(s);
      return;
    }
    if (timeoutMs > 0 && s.lastActiveMs + timeoutMs <= now) {
      // Filter::onIdleTimeout: the proxy closes both sides (first, on a tie with the server's FIN).
      cluster.stats.tcp_idle_timeout++;
      this.leaveIdle(s);
      connection.pool!.onStreamClosed(connection);
    } else if (
      s.serverCloseAtMs <= now ||
      !keepaliveSurvives(
        s,
        cluster.model.tcpKeepalive ?? null,
        connection.server!.connectOutcome === 'blackhole',
        now,
      )
    ) {
      // The server's FIN, or the kernel giving up on a dark host: the proxy closes the application's too.
      this.leaveIdle(s);
      connection.pool!.onRemoteClose(connection);
    } else {
      s.idleCheckAtMs = this.idleDueMs(s);
      s.idleTimer = this.kernel.schedule(s.idleCheckAtMs, this.idleCheckEvent, s.id);
      return;
    }
    this.release(s);
  }

  /** One idle check per quiet period, at the earlier of the proxy's timeout and the server's FIN. */
  private armIdleCheck(s: TcpSession): void {
    const due = this.idleDueMs(s);
    if (due === Number.POSITIVE_INFINITY || (s.idleTimer !== -1 && s.idleCheckAtMs <= due)) return;
    if (s.idleTimer !== -1) this.kernel.cancel(s.idleTimer);
    s.idleCheckAtMs = due;
    s.idleTimer = this.kernel.schedule(due, this.idleCheckEvent, s.id);
  }

  /** The earliest of the proxy's idle timeout, the server's FIN and the keepalive, this idle period. */
  private idleDueMs(s: TcpSession): number {
    const timeoutMs = this.clusters[s.cluster]!.model.tcpProxy!.idleTimeoutMs;
    return idleDueMs(s.lastActiveMs, timeoutMs, s.serverCloseAtMs, s);
  }

  /** Filter::onMaxDownstreamConnectionDuration: both sides close now; a request on it goes unanswered. */
  private onMaxDuration(sessionId: number): void {
    const s = this.sessions.get(sessionId);
    s.durationTimer = -1;
    this.clusters[s.cluster]!.stats.tcp_max_downstream_connection_duration++;
    if (s.pendingPool !== null) {
      s.pendingPool.cancelPending();
      s.pendingPool = null;
      this.close(s, s.flags);
      return;
    }
    const connection = s.connection!;
    if (s.busy) {
      if (s.responseEvent !== -1) this.kernel.cancel(s.responseEvent);
      s.responseEvent = -1;
      this.answer(s, s.requestArrivalMs, s.requestSource, 0, s.flags, s.host);
      connection.pool!.resetStream(connection);
    } else {
      this.leaveIdle(s);
      connection.pool!.onStreamClosed(connection);
    }
    this.release(s);
  }

  private leaveIdle(s: TcpSession): void {
    if (!s.idle) return;
    this.idle.remove(s.route, s.id);
    s.idle = false;
  }

  /** onInitFailure: the application's connection is closed before any byte went upstream. */
  private close(s: TcpSession, flags: number): void {
    this.answer(s, s.requestArrivalMs, s.requestSource, 0, flags, s.host);
    this.release(s);
  }

  private release(s: TcpSession): void {
    if (s.idleTimer !== -1) this.kernel.cancel(s.idleTimer);
    if (s.durationTimer !== -1) this.kernel.cancel(s.durationTimer);
    this.sessions.release(s);
  }

  /** The application's request ends: an HTTP status, or 0 when its connection closed unanswered. */
  private answer(
    s: TcpSession,
    arrivalMs: number,
    source: number,
    status: number,
    flags: number,
    host: Host | null,
  ): void {
    const now = this.kernel.nowMs;
    if (host !== null && (status === 0 || status >= 500)) host.appErrors++;
    this.client.record(now, now - arrivalMs, status, flags);
    if (this.trace !== null) this.trace.response(s.id, status, flagsText(flags), true);
    this.inFlight--;
    this.onAnswered(source);
  }
}
