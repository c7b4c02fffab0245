import { describe, expect, it } from 'vitest';
import { poolRig } from './pool-rig.js';

const UNLIMITED = 2 ** 32 - 1;
const H2 = { protocol: 'HTTP/2', maxConcurrentStreams: 2147483647 } as const;

describe('HTTP/2 pool (ConnPoolImplBase with multiplexed clients)', () => {
  it('B.3 limits, warm: 10 more requests join the connection beside its active stream, none overflows', () => {
    // maxConnections 1, http1MaxPendingRequests 1. The first request opens the connection (up at t = 1)
    // and keeps its stream; an HTTP/2 connection with streams to spare stays ready, so the next 10
    // attach at once: no pending request, no overflow (HTTP/1.1: 1 attaches, 1 pends, 8 overflow).
    const { kernel, pools, send, outcome, resources } = poolRig(1, 1, { settings: H2 });
    const pool = pools[0]![0]!;
    send(pool);
    kernel.runUntil(10);
    for (let i = 0; i < 10; i++) send(pool);
    expect(outcome).toEqual({ ready: 11, overflow: 0, failed: 0 });
    expect(pool.connectionCount).toBe(1);
    expect(pool.pendingCount).toBe(0);
    expect(resources.requests).toBe(11);
  });

  it('B.3 limits, cold: the pending breaker still applies while the connection is connecting (9 × UO)', () => {
    // Before the connection is up there is no ready client, so each request must pend, and only one may.
    const { pools, send, outcome } = poolRig(1, 1, { settings: H2 });
    for (let i = 0; i < 10; i++) send(pools[0]![0]!);
    expect(outcome.overflow).toBe(9);
  });

  it('maxConcurrentStreams 2: a connection opens for each 2 pending requests the connecting ones cannot carry', () => {
    // Pending 1 > capacity 0: open A (2 streams). Pending 2 ≤ 2. Pending 3 > 2: open B (4). Pending 4 ≤ 4.
    // Pending 5 > 4: open C. At t = 1, A and B take 2 streams each and C one.
    const { kernel, pools, send, outcome, stats, attachedTo } = poolRig(1, 1, {
      settings: { ...H2, maxConcurrentStreams: 2 },
      thresholds: { maxConnections: UNLIMITED, maxPendingRequests: UNLIMITED },
    });
    for (let i = 0; i < 5; i++) send(pools[0]![0]!);
    expect(stats.upstream_cx_total).toBe(3);
    kernel.runUntil(10);
    expect(outcome.ready).toBe(5);
    const ids = [0, 1, 2, 3, 4].map((r) => attachedTo.get(r)!.id);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).toBe(ids[3]);
    expect(new Set(ids).size).toBe(3);
  });

  it('max_requests_per_connection 3 caps what a connecting connection counts for, and drains it after 3 streams', () => {
    // Capacity per connection min(2^31 − 1, 3) = 3: requests 1-3 ride A, request 4 opens B. At t = 1 A
    // takes 3 streams and drains (upstream_cx_max_requests); B takes 4 and 5. A closes after its third.
    const { kernel, pools, send, outcome, stats, attachedTo } = poolRig(1, 1, {
      settings: { ...H2, maxRequestsPerConnection: 3 },
      thresholds: { maxConnections: UNLIMITED, maxPendingRequests: UNLIMITED },
    });
    const pool = pools[0]![0]!;
    for (let i = 0; i < 5; i++) send(pool);
    kernel.runUntil(10);
    expect(outcome.ready).toBe(5);
    expect(stats.upstream_cx_total).toBe(2);
    expect(stats.upstream_cx_max_requests).toBe(1);
    const a = attachedTo.get(0)!;
    pool.onStreamClosed(a);
    pool.onStreamClosed(a);
    expect(pool.connectionCount).toBe(2);
    pool.onStreamClosed(a);
    expect(pool.connectionCount).toBe(1);
    expect(stats.upstream_cx_destroy).toBe(1);
  });

  it('a timed-out stream is reset alone (RST_STREAM); the upstream closing the connection ends every stream', () => {
    const { kernel, pools, send, stats, resources, attachedTo } = poolRig(1, 1, {
      settings: H2,
      thresholds: { maxPendingRequests: UNLIMITED },
    });
    const pool = pools[0]![0]!;
    for (let i = 0; i < 3; i++) send(pool);
    kernel.runUntil(10);
    const conn = attachedTo.get(0)!;
    pool.resetStream(conn);
    expect(pool.connectionCount).toBe(1);
    expect(stats.upstream_cx_destroy_local_with_active_rq).toBe(0);
    expect(resources.requests).toBe(2);
    pool.onRemoteClose(conn);
    expect(pool.connectionCount).toBe(0);
    expect(resources.requests).toBe(0);
    expect(pool.host.rqActive).toBe(0);
    expect(stats.upstream_cx_destroy_remote_with_active_rq).toBe(1);
  });
});
