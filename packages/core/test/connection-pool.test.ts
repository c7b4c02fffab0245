import { describe, expect, it } from 'vitest';
import { Constant } from '../src/kernel/distributions.js';
import { Kernel } from '../src/kernel/kernel.js';
import { RandomStreams } from '../src/kernel/random-streams.js';
import { RecyclingTable } from '../src/kernel/recycling-table.js';
import { ClusterStats } from '../src/observe/cluster-stats.js';
import { ResourceManager } from '../src/upstream/circuit-breakers.js';
import {
  Connection,
  ConnectionPool,
  type PoolCallbacks,
  type PoolContext,
  PoolFailureReason,
} from '../src/upstream/connection-pool.js';
import { Host } from '../src/upstream/host.js';
import { EndpointServer } from '../src/world/endpoint-server.js';

/** Pools for `hosts` hosts × `workers` workers with maxConnections 1 and max_pending_requests 1. */
function rig(hosts: number, workers: number) {
  const kernel = new Kernel();
  const connections = new RecyclingTable((id) => new Connection(id));
  const stats = new ClusterStats();
  const resources = new ResourceManager({
    maxConnections: 1,
    maxPendingRequests: 1,
    maxRequests: 2 ** 32 - 1,
    maxRetries: 3,
  });
  const outcome = { ready: 0, overflow: 0, failed: 0 };
  const callbacks: PoolCallbacks = {
    onPoolReady: () => void outcome.ready++,
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
  const settings = {
    cluster: 'outbound|80||test',
    connectTimeoutMs: 10_000,
    tlsHandshakeRtts: 0,
    maxRequestsPerConnection: 0,
    idleTimeoutMs: 0,
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
  const send = (pool: ConnectionPool) => pool.newStream(id++, id);
  return { kernel, pools, send, outcome, resources };
}

describe('HTTP/1.1 pool with maxConnections 1 and http1MaxPendingRequests 1 (B.3)', () => {
  it('cold, 10 simultaneous requests: one waits for the connection, the other 9 overflow', () => {
    const { pools, send, outcome } = rig(1, 1);
    for (let i = 0; i < 10; i++) send(pools[0]![0]!);
    expect(outcome.overflow).toBe(9);
    expect(outcome.ready).toBe(0);
  });

  it('warm and idle, 10 simultaneous requests: one attaches, one waits, 8 overflow', () => {
    const { kernel, pools, send, outcome } = rig(1, 1);
    const pool = pools[0]![0]!;
    send(pool);
    kernel.runUntil(10); // the connection is up and carries the first stream
    expect(outcome.ready).toBe(1);
    outcome.ready = 0;
    // Release the busy connection as the router does when the response completes.
    pool.onStreamClosed(findBusy(pool));
    for (let i = 0; i < 10; i++) send(pool);
    expect(outcome.ready).toBe(1);
    expect(outcome.overflow).toBe(8);
    expect(pool.pendingCount).toBe(1);
  });

  it('3 hosts × 2 workers: every pool may open its first connection, so 6 active + 1 pending', () => {
    const { kernel, pools, send, outcome, resources } = rig(3, 2);
    // One request at a time, each connecting before the next (sent at once, the cold ones would share
    // the single pending slot and overflow instead).
    let t = 0;
    for (const hostPools of pools) {
      for (const p of hostPools) {
        send(p);
        t += 10;
        kernel.runUntil(t);
      }
    }
    expect(outcome.ready).toBe(6);
    expect(outcome.overflow).toBe(0);
    expect(resources.connections).toBe(6);
    // One more request anywhere takes the one cluster-wide pending slot; the next overflows.
    send(pools[0]![0]!);
    send(pools[1]![1]!);
    expect(resources.pendingRequests).toBe(1);
    expect(outcome.overflow).toBe(1);
  });
});

/** The pool's only connection, busy with a stream. */
function findBusy(pool: ConnectionPool): Connection {
  const table = (pool as unknown as { context: PoolContext }).context.connections;
  for (let id = 0; id < 64; id++) {
    const c = table.get(id);
    if (c !== undefined && c.pool === pool && c.streamRequest >= 0) return c;
  }
  throw new Error('no busy connection');
}
