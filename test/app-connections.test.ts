import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { CLUSTER, hostsYaml } from './fixtures/hosts.js';

/** Two hosts over HTTP/2: one upstream connection per worker's pool and host carries every request. */
const H2 = hostsYaml(2, 'connectionPool: { http: { h2UpgradePolicy: UPGRADE } }');

const run = (traffic: object) =>
  simulate({
    config: H2,
    seed: 5,
    duration: '10s',
    proxy: { workers: 4 },
    traffic: { host: 'api.example.com', rps: 50, ...traffic },
    endpoints: { '*': { latency: { constant: '5ms' } } },
  });

describe("the application's connections to the sidecar, pinned to Envoy workers", () => {
  it('one lasting connection (a gRPC client): every request on one worker, so one pool per host', () => {
    const r = run({ connections: 1 });
    // Pools are per worker × host: a single worker opens one HTTP/2 connection to each of the 2 hosts.
    expect(r.clusters[CLUSTER]!.stats.upstream_cx_total).toBe(2);
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
  });

  it('absent: each request lands on a worker of its own, so all 4 workers open their own connections', () => {
    const r = run({});
    // 500 requests over 4 × 2 pools: a pool left unused has probability 8 × (7/8)^500, below 1e-28.
    expect(r.clusters[CLUSTER]!.stats.upstream_cx_total).toBe(8);
  });

  it('connections need keep-alive and an HTTP port', () => {
    const noKeepAlive = () => run({ connections: 2, keepAlive: false });
    expect(noKeepAlive).toThrow(/connections.*needs keepAlive/s);
    const tcp = () =>
      simulate({
        config: hostsYaml(2, '', { number: 443, protocol: 'TLS' }),
        duration: '1s',
        traffic: { host: 'api.example.com', rps: 5, connections: 1 },
      });
    expect(tcp).toThrow(/applies to HTTP ports; port 443 is TLS/);
  });
});
