import type { Kernel } from '../kernel/kernel.js';
import type { Rng } from '../kernel/random-streams.js';
import { RecyclingTable } from '../kernel/recycling-table.js';
import type { ClientObserver } from '../observe/client-observer.js';
import { ResponseFlag } from '../observe/response-flags.js';
import type { Cluster } from '../upstream/cluster.js';
import { type Connection, type PoolCallbacks, PoolFailureReason } from '../upstream/connection-pool.js';
import type { Host } from '../upstream/host.js';
import { OutlierResult } from '../upstream/outlier-config.js';
import { ClientRequest } from './request.js';

/**
 * The router filter of the calling sidecar: takes each application request to its cluster, asks the
 * worker's load balancer for a host and the host's pool for a stream, and turns what comes back
 * (a response, or a pool failure) into what the application sees. One instance serves every request;
 * requests are slots in a table, so no closure is allocated per request or per event.
 */
export class Router implements PoolCallbacks {
  readonly requests = new RecyclingTable((id) => new ClientRequest(id));
  /** Requests started and not yet answered. */
  inFlight = 0;
  private readonly responseEvent: number;

  constructor(
    private readonly kernel: Kernel,
    private readonly clusters: readonly Cluster[],
    private readonly workers: number,
    private readonly workerRng: Rng,
    private readonly client: ClientObserver,
  ) {
    this.responseEvent = kernel.defineEvent((id) => this.onResponse(id));
  }

  /** An application request arrives on the sidecar, bound for `clusterIndex` (the route's target). */
  startRequest(clusterIndex: number): void {
    const req = this.requests.allocate();
    this.inFlight++;
    req.arrivalMs = this.kernel.nowMs;
    req.cluster = clusterIndex;
    // Each downstream connection lands on one worker; the application's connections spread evenly.
    req.worker = Math.floor(this.workerRng() * this.workers);
    const cluster = this.clusters[clusterIndex]!;
    const host = cluster.chooseHost(req.worker);
    if (host === null) {
      cluster.stats.upstream_cx_none_healthy++;
      this.finish(req.id, 503, ResponseFlag.NoHealthyUpstream);
      return;
    }
    req.host = host;
    host.pools[req.worker]!.newStream(req.id);
  }

  onPoolReady(requestId: number, connection: Connection): void {
    const req = this.requests.get(requestId);
    req.connection = connection;
    const host = req.host!;
    this.clusters[req.cluster]!.outlier?.putResult(host, OutlierResult.LocalOriginConnectSuccess, 0);
    const server = host.server;
    const serverMs = server.serve();
    req.status = server.lastStatus;
    this.kernel.scheduleIn(server.rttMs + serverMs, this.responseEvent, requestId);
  }

  onPoolFailure(requestId: number, reason: PoolFailureReason): void {
    const req = this.requests.get(requestId);
    const cluster = this.clusters[req.cluster]!;
    // Envoy charges a local abort as the upstream code it answers (chargeUpstreamAbort).
    cluster.stats.chargeUpstreamCode(503);
    chargeHostError(req.host, 503);
    // Overflow never reaches the outlier detector (envoy#25487); connect failures do.
    if (reason !== PoolFailureReason.Overflow && req.host !== null) {
      cluster.outlier?.putResult(req.host, OutlierResult.LocalOriginConnectFailed, 0);
    }
    const flag =
      reason === PoolFailureReason.Overflow
        ? ResponseFlag.UpstreamOverflow
        : ResponseFlag.UpstreamConnectionFailure;
    this.finish(requestId, 503, flag);
  }

  private onResponse(requestId: number): void {
    const req = this.requests.get(requestId);
    const cluster = this.clusters[req.cluster]!;
    const connection = req.connection!;
    cluster.stats.upstream_rq_completed++;
    cluster.stats.chargeUpstreamCode(req.status);
    chargeHostError(req.host, req.status);
    cluster.outlier?.putResult(req.host!, OutlierResult.HttpCode, req.status);
    this.finish(requestId, req.status, ResponseFlag.None);
    // Keep-alive: the connection goes back to its pool and takes the oldest pending request.
    connection.pool!.onStreamClosed(connection);
  }

  private finish(requestId: number, status: number, flags: string): void {
    const req = this.requests.get(requestId);
    const now = this.kernel.nowMs;
    this.client.record(now, now - req.arrivalMs, status, flags);
    this.inFlight--;
    this.requests.release(req);
  }
}

function chargeHostError(host: Host | null, status: number): void {
  if (host !== null && status >= 500) host.rqError++;
}
