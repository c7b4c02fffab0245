import type { CertVerdict } from '../envoy/certificate-verification.js';
import type { TcpKeepaliveModel } from '../envoy/cluster.js';
import type { UpstreamProtocol } from '../envoy/http-protocol.js';
import type { Kernel } from '../kernel/kernel.js';
import type { TraceRecorder } from '../observe/trace.js';
import type { EndpointServer } from '../world/endpoint-server.js';
import type { ConnectTargets } from './connect-attempt.js';
import type { Connection, ConnectionTable, PoolFailureReason } from './connection.js';
import type { Http2Keepalive } from './http2-keepalive.js';

/** What a pool needs of the host it belongs to: its load counters and the endpoints it connects to. */
export interface PoolHost extends ConnectTargets {
  /** Requests active on the host over every worker (LEAST_REQUEST reads it). */
  rqActive: number;
  rqTotal: number;
  readonly hostPort: string;
}

/** What the router hears back from a pool; implemented once, so no closure per request. */
export interface PoolCallbacks {
  onPoolReady(requestId: number, connection: Connection): void;
  onPoolFailure(requestId: number, reason: PoolFailureReason): void;
  /** The sidecar closed `connection` with streams on it (an HTTP/2 keepalive timeout): reset each. */
  onLocalClose?(connection: Connection): void;
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
  /** Fires a connection's HTTP/2 keepalive timer (needed when a cluster sends PINGs). */
  readonly pingEvent?: number;
  readonly connections: ConnectionTable;
  readonly callbacks: PoolCallbacks;
  /** The run's event trace, when one is recorded. */
  readonly trace: TraceRecorder | null;
  /** What TCP pools report to: the tcp_proxy sessions. */
  readonly tcpCallbacks?: PoolCallbacks;
}

/** How a cluster's connections are set up and retired (from the DestinationRule). */
export interface ConnectionSettings {
  /** The cluster's name, `outbound|PORT|SUBSET|HOST` (for the event trace). */
  cluster: string;
  connectTimeoutMs: number;
  /** Whether the cluster originates TLS: the handshake follows TCP's on every connect. */
  originatesTls: boolean;
  /** The TLS context's certificate validation for a server; absent or null: nothing is checked. */
  verifyCertificate?: ((server: EndpointServer) => CertVerdict) | null;
  /** 0 = unlimited. */
  maxRequestsPerConnection: number;
  /** 0 = never. */
  idleTimeoutMs: number;
  /** common_http_protocol_options.max_connection_duration from the connect; absent or 0: none. */
  maxConnectionDurationMs?: number;
  /** upstream_connection_options.tcp_keepalive; absent or null: no probes. */
  tcpKeepalive?: TcpKeepaliveModel | null;
  /** The cluster's HTTP/2 PING keepalive (connection_keepalive) its pools share; absent or null: none. */
  http2Keepalive?: Http2Keepalive | null;
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
