import { describe, expect, it } from 'vitest';
import type { Connection } from '../src/upstream/connection.js';
import type { ConnectionPool } from '../src/upstream/connection-pool.js';
import type { PoolContext } from '../src/upstream/pool-context.js';
import { poolRig } from './pool-rig.js';

const rig = (hosts: number, workers: number) => poolRig(hosts, workers);

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
    if (c !== undefined && c.pool === pool && c.activeStreams > 0) return c;
  }
  throw new Error('no busy connection');
}

describe('connect timeout (rtt 1 ms, so the TCP connect completes 1 ms after the SYN)', () => {
  const connect = (connectTimeoutMs: number) => {
    const r = poolRig(1, 1, { settings: { connectTimeoutMs } });
    r.send(r.pools[0]![0]!);
    return r;
  };

  it('a connect due before the timeout schedules only its outcome: the timer could never fire', () => {
    const { kernel, outcome, stats } = connect(10_000);
    expect(kernel.pending).toBe(1); // the connect outcome at 1 ms, no timer at 10 s
    kernel.runUntil(1);
    expect(outcome.ready).toBe(1);
    expect(stats.upstream_cx_connect_timeout).toBe(0);
  });

  it('a tie (timeout 1 ms = connect 1 ms): the connect, scheduled first, wins', () => {
    const { kernel, outcome, stats } = connect(1);
    kernel.runUntil(5);
    expect(outcome.ready).toBe(1);
    expect(stats.upstream_cx_connect_timeout).toBe(0);
  });

  it('a connect slower than the timeout (0.5 ms < 1 ms) times out at 0.5 ms and its outcome is dropped', () => {
    const { kernel, outcome, stats } = connect(0.5);
    expect(kernel.pending).toBe(2); // the outcome at 1 ms and the timer at 0.5 ms
    kernel.runUntil(0.5);
    expect(outcome.failed).toBe(1);
    expect(stats.upstream_cx_connect_timeout).toBe(1);
    expect(kernel.pending).toBe(0);
    kernel.runUntil(5);
    expect(outcome.ready).toBe(0);
  });
});

describe('TCP pool, server idleTimeout 60 s (rtt 1 ms)', () => {
  const tcpRig = () => {
    const r = poolRig(1, 1, { settings: { tcp: true } });
    const pool = r.pools[0]![0]!;
    const server = pool.host.serverFor('10.0.0.1');
    server.apply({ ...server.behaviour, idleTimeoutMs: 60_000 });
    return { ...r, pool };
  };

  it('a connection that takes its session at connect arms no idle check: it is never idle again', () => {
    const { kernel, pool, send, outcome } = tcpRig();
    send(pool);
    kernel.runUntil(1);
    expect(outcome.ready).toBe(1);
    expect(kernel.pending).toBe(0); // no idle check at 1 + 60 000 ms left behind
  });

  it('a connection left unused at connect is idle from then: the server closes it at 1 + 60 000 ms', () => {
    const { kernel, pool, send, outcome, stats } = tcpRig();
    send(pool);
    pool.cancelPending(); // its session gave up while it connected
    kernel.runUntil(1);
    expect(outcome.ready).toBe(0);
    expect(pool.connectionCount).toBe(1);
    kernel.runUntil(60_000);
    expect(pool.connectionCount).toBe(1);
    kernel.runUntil(60_001);
    expect(pool.connectionCount).toBe(0);
    expect(stats.upstream_cx_destroy_remote).toBe(1);
  });
});
