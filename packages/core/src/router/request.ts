import type { EventHandle } from '../kernel/event-queue.js';
import type { Connection } from '../upstream/connection.js';
import type { ConnectionPool } from '../upstream/connection-pool.js';
import type { Host } from '../upstream/host.js';
import type { RequestHash } from '../upstream/lb/uint64.js';
import { StreamEnd } from '../world/endpoint-server.js';

/**
 * One application request as the router tracks it: pending → attempt n → back-off → attempt n+1 → done.
 * Recycled through a table; every timer it arms is cancelled before it is released.
 */
export class ClientRequest {
  arrivalMs = 0;
  /** A mirror's shadow request: its answer goes to no client. */
  shadow = false;
  /** The traffic source that sent it (closed-loop clients wait for it). */
  source = -1;
  route = -1;
  cluster = -1;
  worker = 0;
  /** Attempts started; the tag that tells this attempt's pool entry from an earlier one. */
  attempts = 0;
  attemptTag = 0;
  retriesRemaining = 0;
  /** The current attempt: its host, the pool it waits in, the connection it holds. */
  host: Host | null = null;
  pendingPool: ConnectionPool | null = null;
  connection: Connection | null = null;
  /** Status of the current attempt's response. */
  status = 0;
  /** The grpc-status code the current attempt's response carries (-1: none), and whether in trailers. */
  grpcStatus = -1;
  grpcInTrailers = false;
  /** How the current attempt's stream ends (StreamEnd), and whether its answer carries x-envoy-ratelimited. */
  streamEnd: StreamEnd = StreamEnd.Complete;
  envoyRateLimited = false;
  /** Response flags gathered so far (UO from a retry overflow joins the final answer's). */
  flags = 0;
  /** The back-off interval for the next retry, doubling per retry (JitteredExponentialBackOffStrategy). */
  backoffIntervalMs = 0;
  /** Holds one unit of the cluster's retry circuit breaker between scheduling and the next decision. */
  holdsRetry = false;
  globalTimer: EventHandle = -1;
  perTryTimer: EventHandle = -1;
  responseEvent: EventHandle = -1;
  backoffTimer: EventHandle = -1;
  /** ORIGINAL_DST: the address the application resolved and dialed; null otherwise. */
  dialedAddress: string | null = null;
  /** The consistent-hash value of the request (RING_HASH/MAGLEV), or null. */
  hash: RequestHash | null = null;
  /** Hosts already tried, for the previous_hosts retry predicate: the first `attemptedCount` entries. */
  readonly attemptedHosts: Array<Host | null> = [];
  attemptedCount = 0;

  constructor(readonly id: number) {}

  reset(): void {
    this.shadow = false;
    this.route = -1;
    this.cluster = -1;
    this.dialedAddress = null;
    this.attempts = 0;
    this.host = null;
    this.pendingPool = null;
    this.connection = null;
    this.flags = 0;
    this.holdsRetry = false;
    this.globalTimer = -1;
    this.perTryTimer = -1;
    this.responseEvent = -1;
    this.backoffTimer = -1;
    // Truncating an array is slow in V8; the slots are overwritten on the next attempts instead.
    this.attemptedCount = 0;
  }
}
