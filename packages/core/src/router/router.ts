import { grpcToHttpStatus, httpToGrpcStatus } from '../envoy/grpc-status.js';
import { outlierReportedStatus } from '../envoy/outlier-detection.js';
import { Flag, flagsText } from '../envoy/response-flags.js';
import type { FaultModel, RouteModel } from '../envoy/route.js';
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
import { type EndpointServer, StreamEnd } from '../world/endpoint-server.js';
import { nextBackoffMs } from './backoff.js';
import { ClientRequest } from './request.js';
import { chooseHostForAttempt } from './retry-host-selection.js';
import {
  Decision,
  decideRetry,
  ResetKind,
  releaseRetry,
  retriesReset,
  retriesResponse,
  settleWithoutRetry,
} from './retry-state.js';
import { type ShadowRoute, withShadowRoutes } from './shadow-routes.js';
import { pickWeightedCluster } from './weighted-clusters.js';

/**
 * The router filter of the calling sidecar. Each application request is a small state machine:
 * pending → attempt n → back-off → attempt n+1 → done, with the route timeout over all of it and a
 * per-try timeout per attempt. Outcomes feed the host's outlier monitor once per attempt. One instance
 * serves every request; requests are recycled slots and events carry their id, so nothing is allocated
 * per request or per event once warm.
 */
export class Router implements PoolCallbacks {
  readonly requests = new RecyclingTable((id) => new ClientRequest(id));
  /** Requests started and not yet answered. */
  inFlight = 0;
  /** The run's event trace, when one is recorded. */
  trace: TraceRecorder | null = null;
  /** The draw that decides a request's mirrors (its stream id in Envoy); needed only when a route mirrors. */
  mirrorRng: Rng | null = null;
  /** Shadow requests started and not yet ended; the client waits for none of them. */
  shadowsInFlight = 0;
  /** Per route, the shadow routes its mirror policies lead to (empty when no route mirrors). */
  private readonly shadowsOf: ReadonlyArray<readonly ShadowRoute[] | null>;
  private nextAttemptTag = 1;
  /** Scratch list of the streams a closing connection carried. */
  private readonly closedStreams: number[] = [];
  private readonly responseEvent: number;
  private readonly perTryTimeoutEvent: number;
  private readonly globalTimeoutEvent: number;
  private readonly backoffEvent: number;
  private readonly faultDelayEvent: number;
  /** Per route, the kernel lane of its per-try timeout (all of a route's wait the same), or -1. */
  private readonly perTryLanes: Int32Array;

  constructor(
    private readonly kernel: Kernel,
    private readonly routes: readonly RouteModel[],
    private readonly clusters: readonly Cluster[],
    private readonly workers: number,
    private readonly workerRng: Rng,
    private readonly backoffRng: Rng,
    private readonly faultRng: Rng,
    private readonly weightRng: Rng,
    private readonly client: ClientObserver,
    /** Told when a request from `source` got its answer: a closed-loop client thinks, then sends again. */
    private readonly onAnswered: (source: number) => void = () => {},
    /** The application's own name lookup, for ORIGINAL_DST clusters: the first answer, or null. */
    private readonly resolveForApplication: (host: string) => string | null = () => null,
  ) {
    this.responseEvent = kernel.defineEvent((id) => this.onResponse(id));
    this.perTryTimeoutEvent = kernel.defineEvent((id) => this.onPerTryTimeout(id));
    this.globalTimeoutEvent = kernel.defineEvent((id) => this.onGlobalTimeout(id));
    this.backoffEvent = kernel.defineEvent((id) => this.onBackoffElapsed(id));
    this.faultDelayEvent = kernel.defineEvent((id) => this.onFaultDelayElapsed(id));
    const table = withShadowRoutes(routes);
    this.routes = table.routes;
    this.shadowsOf = table.shadowsOf;
    const lanes = new Map<number, number>();
    this.perTryLanes = Int32Array.from(this.routes, (route) => {
      const perTry = route.retry?.perTryTimeoutMs ?? 0;
      if (!(perTry > 0 && Number.isFinite(perTry))) return -1;
      const lane = lanes.get(perTry) ?? kernel.defineLane();
      lanes.set(perTry, lane);
      return lane;
    });
  }

  /**
   * An application request arrives on the sidecar and matched `routeIndex`; `hash` from its hash policy.
   * `worker`: the worker of the application connection it came on; -1 draws one for it alone.
   */
  startRequest(routeIndex: number, hash: RequestHash | null = null, source = -1, worker = -1): void {
    const req = this.requests.allocate();
    if (this.trace !== null) this.trace.request(req.id);
    req.hash = hash;
    req.source = source;
    const route = this.routes[routeIndex]!;
    this.inFlight++;
    req.arrivalMs = this.kernel.nowMs;
    req.route = routeIndex;
    // Each downstream connection lands on one worker; the application's connections spread evenly.
    // The stream serves this draw alone, so with one worker it is skipped and nothing else shifts.
    req.worker = worker >= 0 ? worker : this.workers === 1 ? 0 : Math.floor(this.workerRng() * this.workers);
    if (route.destinations.length === 0) {
      this.finish(req, route.localStatus, route.localFlags);
      return;
    }
    req.cluster = pickWeightedCluster(route, this.weightRng);
    if (this.clusters[req.cluster]!.model.type === 'ORIGINAL_DST' && !this.dialedByApplication(req)) return;
    const retry = route.retry;
    req.retriesRemaining = retry === null ? 0 : retry.numRetries;
    req.backoffIntervalMs = retry === null ? 0 : retry.backoffBaseMs;
    // The fault filter runs before the router, once per request: delay first, then abort.
    if (route.fault !== null && this.heldByFault(req, route, route.fault)) return;
    this.forward(req);
  }

  /**
   * ORIGINAL_DST: the application resolved the name itself and dialed the address; a failed lookup
   * never reaches the sidecar (reported with Envoy's DNS-failure flag, DF). False when it ended so.
   */
  private dialedByApplication(req: ClientRequest): boolean {
    const address = this.resolveForApplication(this.clusters[req.cluster]!.model.serviceHost);
    if (address === null) {
      this.finish(req, 503, Flag.DF);
      return false;
    }
    req.dialedAddress = address;
    return true;
  }

  /** The fault filter: true when it delays the request (the router waits) or aborts it. */
  private heldByFault(req: ClientRequest, route: RouteModel, fault: FaultModel): boolean {
    if (fault.delayPct > 0 && this.faultRng() * 100 < fault.delayPct) {
      req.flags |= Flag.DI;
      req.backoffTimer = this.kernel.scheduleIn(fault.delayMs, this.faultDelayEvent, req.id);
      return true;
    }
    return this.abortsByFault(req, route);
  }

  /** The delay elapsed: the abort roll comes next, then the router proper. */
  private onFaultDelayElapsed(requestId: number): void {
    const req = this.requests.get(requestId);
    req.backoffTimer = -1;
    if (this.abortsByFault(req, this.routes[req.route]!)) return;
    this.forward(req);
  }

  /** An injected abort is a local reply: never retried, never upstream. */
  private abortsByFault(req: ClientRequest, route: RouteModel): boolean {
    const fault = route.fault;
    if (fault === null || fault.abortPct <= 0 || !(this.faultRng() * 100 < fault.abortPct)) return false;
    this.finish(req, fault.abortStatus, req.flags | Flag.FI);
    return true;
  }

  /** The router proper: the route timeout is armed once the request is complete, i.e. now. */
  private forward(req: ClientRequest): void {
    const route = this.routes[req.route]!;
    if (route.timeoutMs > 0)
      req.globalTimer = this.kernel.scheduleIn(route.timeoutMs, this.globalTimeoutEvent, req.id);
    this.startAttempt(req);
  }

  private startAttempt(req: ClientRequest): void {
    const cluster = this.clusters[req.cluster]!;
    const policy = this.routes[req.route]!.retry;
    req.attempts++;
    const host = chooseHostForAttempt(cluster, policy, req, this.kernel.nowMs);
    if (host === null) {
      cluster.stats.upstream_cx_none_healthy++;
      this.finish(req, 503, Flag.UH);
      return;
    }
    if (this.trace !== null && !req.shadow) traceAttempt(this.trace, req, cluster, host);
    req.attemptedHosts[req.attemptedCount++] = host;
    req.host = host;
    req.attemptTag = this.nextAttemptTag++;
    const pool = host.pools[req.worker]!;
    req.pendingPool = pool;
    const shadows = req.attempts === 1 ? (this.shadowsOf[req.route] ?? null) : null;
    const worker = req.worker;
    pool.newStream(req.id, req.attemptTag);
    // The shadows start once, with the first upstream request (router.cc), on the same worker.
    if (shadows !== null && !req.shadow) this.sendShadows(shadows, worker);
  }

  /** One draw decides every mirror of the request, as Envoy's stream id does: `u < perMillion`. */
  private sendShadows(shadows: readonly ShadowRoute[], worker: number): void {
    const u = Math.floor(this.mirrorRng!() * 1_000_000);
    for (const shadow of shadows) if (u < shadow.perMillion) this.startShadow(shadow.route, worker);
  }

  /** A shadow request: fire and forget through the mirror cluster; its answer reaches no client. */
  private startShadow(routeIndex: number, worker: number): void {
    const route = this.routes[routeIndex]!;
    const cluster = this.clusters[route.destinations[0]!.cluster]!;
    if (cluster.model.type === 'ORIGINAL_DST') {
      // The async client has no downstream connection, so the original-destination balancer finds no host.
      cluster.stats.upstream_cx_none_healthy++;
      return;
    }
    const req = this.requests.allocate();
    req.shadow = true;
    req.hash = null;
    req.source = -1;
    req.arrivalMs = this.kernel.nowMs;
    req.route = routeIndex;
    req.worker = worker;
    req.cluster = route.destinations[0]!.cluster;
    req.retriesRemaining = 0;
    req.backoffIntervalMs = 0;
    this.shadowsInFlight++;
    this.forward(req);
  }

  isWaiting(requestId: number, tag: number): boolean {
    const req = this.requests.get(requestId);
    return req.pendingPool !== null && req.attemptTag === tag;
  }

  onPoolReady(requestId: number, connection: Connection): void {
    const req = this.requests.get(requestId);
    req.pendingPool = null;
    req.connection = connection;
    const host = req.host!;
    const outlier = this.clusters[req.cluster]!.outlier;
    // A connect success is an outcome of its own only when local-origin errors are split.
    if (outlier?.config.splitExternalLocalOriginErrors)
      outlier.putResult(host, OutlierResult.LocalOriginConnectSuccess, 0);
    const server = connection.server!;
    if (host.requestsByAddress !== null) countByAddress(host.requestsByAddress, server.address);
    const now = this.kernel.nowMs;
    const finMs = connection.remoteCloseAtMs;
    req.grpcStatus = -1;
    req.streamEnd = StreamEnd.Complete;
    req.envoyRateLimited = false;
    if (server.connectOutcome === 'blackhole' || server.closedBefore(now, finMs)) {
      this.goesUnanswered(req, server, finMs);
    } else {
      // Bytes reach the server, so it is not idle; its clock restarts when the connection is idle again.
      connection.remoteCloseAtMs = Number.POSITIVE_INFINITY;
      // The request reaches the server half a round trip after it leaves.
      const rttMs = server.rttMs;
      const serverMs = server.serve(now + rttMs / 2);
      req.status = server.lastStatus;
      req.grpcStatus = server.lastGrpcStatus;
      req.grpcInTrailers = server.lastGrpcInTrailers;
      req.streamEnd = server.lastStreamEnd;
      req.envoyRateLimited = server.lastEnvoyRateLimited;
      req.responseEvent = this.kernel.schedule(now + (rttMs + serverMs), this.responseEvent, requestId);
    }
    // The per-try timeout starts when the pool hands over a connection: connect and queueing excluded.
    const lane = this.perTryLanes[req.route]!;
    if (lane >= 0) {
      const atMs = this.kernel.nowMs + this.routes[req.route]!.retry!.perTryTimeoutMs;
      req.perTryTimer = this.kernel.scheduleInLane(lane, atMs, this.perTryTimeoutEvent, requestId);
    }
  }

  /** The request never reaches a server that can answer it. */
  private goesUnanswered(req: ClientRequest, server: EndpointServer, finMs: number): void {
    req.status = 0;
    // The host went dark: the request gets no answer and no reset on its connection; only a timeout
    // (per-try or route) ends it, and with Istio's defaults there is none.
    if (server.connectOutcome === 'blackhole') return;
    // The keep-alive race: the request reaches the server after it closed the idle connection
    // (the FIN was on its way), so the FIN resets it: 503 UC when the FIN arrives, never served.
    req.responseEvent = this.kernel.schedule(finMs, this.responseEvent, req.id);
  }

  onPoolFailure(requestId: number, reason: PoolFailureReason): void {
    const req = this.requests.get(requestId);
    req.pendingPool = null;
    const cluster = this.clusters[req.cluster]!;
    if (reason === PoolFailureReason.Overflow) {
      // Overflow is never retried and never reaches the outlier detector (envoy#25487); it is still a
      // retry decision (wouldRetryFromReset: NoRetry), so an armed retry counts as a success.
      if (this.routes[req.route]!.retry !== null) settleWithoutRetry(req, cluster.resources, cluster.stats);
      this.chargeAbort(req, 503);
      this.finish(req, 503, req.flags | Flag.UO);
      return;
    }
    cluster.outlier?.putResult(req.host!, OutlierResult.LocalOriginConnectFailed, 0);
    const kind = reason === PoolFailureReason.Timeout ? ResetKind.ConnectTimeout : ResetKind.ConnectFailure;
    this.onReset(req, kind, false, 503, Flag.UF);
  }

  /** The endpoint went away with streams on `connection`: it is reset now, and each stream with it. */
  resetConnection(connection: Connection): void {
    this.onUpstreamClose(connection, null);
  }

  /** The sidecar closed `connection` itself (an HTTP/2 keepalive timeout): each stream on it is reset. */
  onLocalClose(connection: Connection): void {
    this.onUpstreamClose(connection, null, true);
  }

  /**
   * The upstream closed `connection` before `first`'s response (null: before any), or the sidecar did
   * (`local`): every stream on it ends with a reset (connection termination), 503 UC unless retried, and
   * the connection closes once. HTTP/1.1 carries one stream; an HTTP/2 connection may carry many, found by
   * a sweep (a reset is rare, never per request).
   */
  private onUpstreamClose(connection: Connection, first: ClientRequest | null, local = false): void {
    const ids = this.closedStreams;
    let n = 0;
    if (first !== null) ids[n++] = first.id;
    if (connection.activeStreams > n) {
      for (const r of this.requests.all()) if (r.connection === connection && r !== first) ids[n++] = r.id;
    }
    if (local) connection.pool!.onLocalClose(connection);
    else connection.pool!.onRemoteClose(connection);
    for (let i = 0; i < n; i++) {
      const req = this.requests.get(ids[i]!);
      const kernel = this.kernel;
      if (req.responseEvent !== -1) kernel.cancel(req.responseEvent);
      req.responseEvent = -1;
      if (req.perTryTimer !== -1) kernel.cancel(req.perTryTimer);
      req.perTryTimer = -1;
      req.connection = null;
      const cluster = this.clusters[req.cluster]!;
      if (!local) cluster.stats.upstream_rq_rx_reset++;
      cluster.outlier?.putResult(req.host!, OutlierResult.LocalOriginConnectFailed, 0);
      this.onReset(req, ResetKind.ConnectionTermination, true, 503, Flag.UC);
    }
  }

  private onResponse(requestId: number): void {
    const req = this.requests.get(requestId);
    req.responseEvent = -1;
    if (req.perTryTimer !== -1) this.kernel.cancel(req.perTryTimer);
    req.perTryTimer = -1;
    const cluster = this.clusters[req.cluster]!;
    const host = req.host!;
    const status = req.status;
    const connection = req.connection!;
    // A frame from the server: it re-arms an HTTP/2 keepalive PING's timeout.
    connection.lastFrameAtMs = this.kernel.nowMs;
    if (status === 0) {
      // The upstream closed the connection before any response: 503 UC, a reset for retry_on.
      this.onUpstreamClose(connection, req);
      return;
    }
    if (req.streamEnd !== StreamEnd.Complete) {
      this.onStreamResetByServer(req, connection);
      return;
    }
    req.connection = null;
    cluster.stats.upstream_rq_completed++;
    // A grpc-status in the headers (Trailers-Only) is seen; one in trailers comes after the headers went on.
    const grpcInHeaders = req.grpcInTrailers ? -1 : req.grpcStatus;
    const grpcRequest = cluster.model.grpc === true;
    cluster.outlier?.putResult(
      host,
      OutlierResult.HttpCode,
      outlierStatusOf(cluster, status, grpcRequest ? grpcInHeaders : -1),
    );
    // Keep-alive: the connection goes back to its pool and takes the oldest pending request.
    connection.pool!.onStreamClosed(connection);
    const policy = this.routes[req.route]!.retry;
    if (policy !== null) {
      if (retriesResponse(policy, status, grpcInHeaders, req.envoyRateLimited)) {
        if (this.retriesAnswer(req, cluster, host, status)) return;
      } else settleWithoutRetry(req, cluster.resources, cluster.stats);
    }
    cluster.stats.chargeUpstreamCode(status);
    if (status >= 500) host.rqError++;
    // handleNon5xxResponseHeaders: a gRPC answer is a host error when its grpc-status maps to a 5xx.
    else if (grpcRequest && req.grpcStatus >= 0 && grpcToHttpStatus(req.grpcStatus) >= 500) host.rqError++;
    this.finish(req, status, req.flags, req.grpcStatus);
  }

  /**
   * The server reset the stream: refused it (REFUSED_STREAM, before any answer) or reset it after the
   * headers. Only HTTP/2 can reset one stream; an HTTP/1.1 server can only close the connection (UC).
   */
  private onStreamResetByServer(req: ClientRequest, connection: Connection): void {
    const http2 = connection.pool!.isHttp2;
    if (req.streamEnd === StreamEnd.ResetAfterHeaders) {
      this.onResetAfterHeaders(req, connection, http2);
      return;
    }
    if (!http2) {
      this.onUpstreamClose(connection, req);
      return;
    }
    // RemoteRefusedStreamReset: the connection carries on, the pool counts nothing (onStreamReset).
    req.connection = null;
    connection.pool!.onStreamClosed(connection);
    this.clusters[req.cluster]!.outlier?.putResult(req.host!, OutlierResult.LocalOriginConnectFailed, 0);
    this.onReset(req, ResetKind.RefusedStream, true, 503, Flag.UR);
  }

  /**
   * Headers first (onUpstreamHeaders: outlier code, retry decision, upstream code), then the reset: once
   * the headers went downstream Envoy neither retries nor answers again; the client's stream is reset.
   */
  private onResetAfterHeaders(req: ClientRequest, connection: Connection, http2: boolean): void {
    const cluster = this.clusters[req.cluster]!;
    const host = req.host!;
    const status = req.status;
    req.connection = null;
    cluster.outlier?.putResult(host, OutlierResult.HttpCode, outlierStatusOf(cluster, status, -1));
    const policy = this.routes[req.route]!.retry;
    if (policy !== null) {
      if (retriesResponse(policy, status, -1, req.envoyRateLimited)) {
        // A retried answer is reset by Envoy itself before the server's reset arrives.
        if (this.retriesAnswer(req, cluster, host, status)) {
          connection.pool!.resetStream(connection);
          return;
        }
      } else settleWithoutRetry(req, cluster.resources, cluster.stats);
    }
    cluster.stats.chargeUpstreamCode(status);
    // A gRPC success is deferred to the trailers that never come (chargeUpstreamAbort counts it an error).
    if (status >= 500 || cluster.model.grpc === true) host.rqError++;
    cluster.stats.upstream_rq_rx_reset++;
    cluster.outlier?.putResult(host, OutlierResult.LocalOriginConnectFailed, 0);
    if (http2) connection.pool!.onStreamClosed(connection);
    else connection.pool!.onRemoteClose(connection);
    // A gRPC client reads a stream reset after headers as INTERNAL (RST_STREAM without a grpc-status).
    this.finish(req, status, req.flags | (http2 ? Flag.UR : Flag.UC), cluster.model.grpc === true ? 13 : -1);
  }

  /** A response retry_on matches: true when it is retried, else the flags say why not. */
  private retriesAnswer(req: ClientRequest, cluster: Cluster, host: Host, status: number): boolean {
    const decision = this.shouldRetry(req, cluster);
    if (decision === Decision.Retry) {
      cluster.stats.chargeRetriedCode(status);
      host.rqError++;
      return true;
    }
    if (decision === Decision.LimitExceeded) req.flags |= Flag.URX;
    else if (decision === Decision.Overflow) req.flags |= Flag.UO;
    return false;
  }

  private onPerTryTimeout(requestId: number): void {
    const req = this.requests.get(requestId);
    req.perTryTimer = -1;
    const cluster = this.clusters[req.cluster]!;
    cluster.stats.upstream_rq_per_try_timeout++;
    this.abandonAttempt(req);
    cluster.outlier?.putResult(req.host!, OutlierResult.LocalOriginTimeout, 0);
    this.onReset(req, ResetKind.LocalReset, true, 504, Flag.UT);
  }

  /**
   * Filter::onResponseTimeout: each upstream request still in flight (on a connection or waiting in the
   * pool) counts one upstream_rq_timeout and is charged 504; one in back-off is off that list, so a
   * timeout there counts and charges nothing. The host is known only once the pool handed over a connection.
   */
  private onGlobalTimeout(requestId: number): void {
    const req = this.requests.get(requestId);
    req.globalTimer = -1;
    const cluster = this.clusters[req.cluster]!;
    const connected = req.connection !== null;
    if (connected || req.pendingPool !== null) {
      cluster.stats.upstream_rq_timeout++;
      cluster.stats.chargeUpstreamCode(504);
    }
    if (connected) {
      cluster.outlier?.putResult(req.host!, OutlierResult.LocalOriginTimeout, 0);
      req.host!.rqError++;
    }
    this.abandonAttempt(req);
    this.finish(req, 504, req.flags | Flag.UT);
  }

  private onBackoffElapsed(requestId: number): void {
    const req = this.requests.get(requestId);
    req.backoffTimer = -1;
    this.startAttempt(req);
  }

  /** A reset or connect failure: retry if the policy says so, else answer `status` with `flag`. */
  private onReset(
    req: ClientRequest,
    kind: ResetKind,
    requestSent: boolean,
    status: number,
    flag: number,
  ): void {
    const cluster = this.clusters[req.cluster]!;
    const policy = this.routes[req.route]!.retry;
    if (policy !== null) {
      if (retriesReset(policy, kind, requestSent)) {
        const host = req.host;
        const decision = this.shouldRetry(req, cluster);
        if (decision === Decision.Retry) {
          // Filter::maybeRetryReset charges the host it leaves rq_error, as an unretried reset is charged.
          if (host !== null) host.rqError++;
          return;
        }
        if (decision === Decision.LimitExceeded) req.flags |= Flag.URX;
        else if (decision === Decision.Overflow) req.flags |= Flag.UO;
      } else settleWithoutRetry(req, cluster.resources, cluster.stats);
    }
    this.chargeAbort(req, status);
    this.finish(req, status, req.flags | flag);
  }

  /** Decides on a retry (RetryStateImpl::shouldRetry) and, when it is one, schedules it after the back-off. */
  private shouldRetry(req: ClientRequest, cluster: Cluster): Decision {
    const decision = decideRetry(req, cluster.resources, cluster.stats);
    if (decision !== Decision.Retry) return decision;
    const delay = nextBackoffMs(req, this.routes[req.route]!.retry!, this.backoffRng);
    req.host = null;
    req.backoffTimer = this.kernel.scheduleIn(delay, this.backoffEvent, req.id);
    return decision;
  }

  /** Resets the current attempt wherever it is: in flight (the HTTP/1.1 connection closes) or pending. */
  private abandonAttempt(req: ClientRequest): void {
    const kernel = this.kernel;
    if (req.connection !== null) {
      kernel.cancel(req.responseEvent);
      req.responseEvent = -1;
      const connection = req.connection;
      req.connection = null;
      connection.pool!.resetStream(connection);
    }
    if (req.pendingPool !== null) {
      req.pendingPool.cancelPending();
      req.pendingPool = null;
    }
    if (req.perTryTimer !== -1) kernel.cancel(req.perTryTimer);
    req.perTryTimer = -1;
    if (req.backoffTimer !== -1) kernel.cancel(req.backoffTimer);
    req.backoffTimer = -1;
  }

  /** Envoy charges a local answer as the upstream code it sends (chargeUpstreamAbort). */
  private chargeAbort(req: ClientRequest, status: number): void {
    this.clusters[req.cluster]!.stats.chargeUpstreamCode(status);
    chargeHostError(req.host, status);
  }

  /** `grpcStatus`: the grpc-status of the upstream answer passed on (-1: none, or a local reply). */
  private finish(req: ClientRequest, status: number, flags: number, grpcStatus = -1): void {
    const now = this.kernel.nowMs;
    // A gRPC application sees a grpc-status: the upstream's, else Envoy's local reply maps the HTTP one.
    if (req.cluster >= 0 && this.clusters[req.cluster]!.model.grpc === true)
      this.client.recordGrpc(grpcStatus >= 0 ? grpcStatus : httpToGrpcStatus(status));
    if (req.globalTimer !== -1) this.kernel.cancel(req.globalTimer);
    this.abandonAttempt(req);
    if (req.cluster >= 0) releaseRetry(req, this.clusters[req.cluster]!.resources);
    if (req.shadow) {
      this.shadowsInFlight--;
      this.requests.release(req);
      return;
    }
    this.client.record(now, now - req.arrivalMs, status, flags);
    if (this.trace !== null) this.trace.response(req.id, status, flagsText(flags));
    this.inFlight--;
    const source = req.source;
    this.requests.release(req);
    this.onAnswered(source);
  }
}

/** The pick's priority was in panic when the host's is: a priority's picker holds only its own hosts. */
function traceAttempt(trace: TraceRecorder, req: ClientRequest, cluster: Cluster, host: Host): void {
  const originalDst = req.dialedAddress !== null;
  const panic = !originalDst && cluster.priorities.panic[host.priority] === 1;
  trace.attempt(req.id, cluster.name, host.hostPort, panic, originalDst);
}

/** LOGICAL_DNS: requests per address the host's connections reached. */
function countByAddress(byAddress: Map<string, number>, address: string): void {
  byAddress.set(address, (byAddress.get(address) ?? 0) + 1);
}

/**
 * What outlier detection is told of a response (Filter::onUpstreamHeaders): with an error matcher, its
 * verdict on the status; else a grpc-status in the headers of a gRPC request as its HTTP equivalent.
 */
function outlierStatusOf(cluster: Cluster, status: number, grpcInHeaders: number): number {
  const codes = cluster.model.outlierErrorCodes;
  if (codes !== null && codes !== undefined) return outlierReportedStatus(codes, status);
  return grpcInHeaders >= 0 ? grpcToHttpStatus(grpcInHeaders) : status;
}

function chargeHostError(host: Host | null, status: number): void {
  if (host !== null && status >= 500) host.rqError++;
}
