import type { CircuitBreakerThresholds } from '../src/envoy/circuit-breakers.js';
import { Constant } from '../src/kernel/distributions.js';
import { Kernel } from '../src/kernel/kernel.js';
import { RandomStreams } from '../src/kernel/random-streams.js';
import { RecyclingTable } from '../src/kernel/recycling-table.js';
import { ClusterStats } from '../src/observe/cluster-stats.js';
import { ResourceManager } from '../src/upstream/circuit-breakers.js';
import { Connection, PoolFailureReason } from '../src/upstream/connection.js';
import { ConnectionPool } from '../src/upstream/connection-pool.js';
import { Host } from '../src/upstream/host.js';
import type { ConnectionSettings, PoolCallbacks, PoolContext } from '../src/upstream/pool-context.js';
import { EndpointServer } from '../src/world/endpoint-server.js';

/**
 * Pools for `hosts` hosts × `workers` workers against one server (rtt 1 ms), without a router: the test
 * plays the router's part. Defaults: maxConnections 1, max_pending_requests 1, HTTP/1.1.
 */
export function poolRig(
  hosts: number,
  workers: number,
  options: { settings?: Partial<ConnectionSettings>; thresholds?: Partial<CircuitBreakerThresholds> } = {},
) {
  const kernel = new Kernel();
  const connections = new RecyclingTable((id) => new Connection(id));
  const stats = new ClusterStats();
  const resources = new ResourceManager({
    maxConnections: 1,
    maxPendingRequests: 1,
    maxRequests: 2 ** 32 - 1,
    maxRetries: 3,
    ...options.thresholds,
  });
  const outcome = { ready: 0, overflow: 0, failed: 0 };
  /** The connection each request got, by request id. */
  const attachedTo = new Map<number, Connection>();
  const callbacks: PoolCallbacks = {
    onPoolReady: (id, conn) => {
      outcome.ready++;
      attachedTo.set(id, conn);
    },
    onPoolFailure: (_id, reason) =>
      void (reason === PoolFailureReason.Overflow ? outcome.overflow++ : outcome.failed++),
    isWaiting: () => true,
  };
  const ev = (f: (c: Connection) => void) => kernel.defineEvent((id) => f(connections.get(id)));
  const context: PoolContext = {
    kernel,
    connections,
    callbacks,
    connectDoneEvent: ev((c) => c.pool!.onConnected(c)),
    connectRefusedEvent: ev((c) => c.pool!.onConnectFailed(c, PoolFailureReason.RemoteConnectionFailure)),
    connectTimeoutEvent: ev((c) => c.pool!.onConnectFailed(c, PoolFailureReason.Timeout)),
    idleCheckEvent: ev((c) => c.pool!.onIdleCheck(c)),
    trace: null,
  };
  const server = new EndpointServer(
    '10.0.0.1',
    { latency: new Constant(5), errors: [], rttMs: 1, connect: 'ok', resetRate: 0, idleTimeoutMs: 0 },
    new RandomStreams(1).get('x'),
  );
  const settings: ConnectionSettings = {
    cluster: 'outbound|80||test',
    connectTimeoutMs: 10_000,
    originatesTls: false,
    maxRequestsPerConnection: 0,
    idleTimeoutMs: 0,
    protocol: 'HTTP/1.1',
    maxConcurrentStreams: 1,
    ...options.settings,
  };
  const pools: ConnectionPool[][] = [];
  for (let h = 0; h < hosts; h++) {
    const host = new Host(h, `10.0.0.${h + 1}`, 80, '', 0, 1, {}, { serverFor: () => server });
    pools.push(
      Array.from(
        { length: workers },
        (_, w) => new ConnectionPool(host, w, resources, stats, context, settings),
      ),
    );
  }
  let id = 0;
  /** Sends one request to `pool`; returns its id. */
  const send = (pool: ConnectionPool) => {
    const requestId = id++;
    pool.newStream(requestId, requestId + 1);
    return requestId;
  };
  return { kernel, pools, send, outcome, resources, stats, attachedTo };
}
