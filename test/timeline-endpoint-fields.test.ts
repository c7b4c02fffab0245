import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { ServerCapacity } from '../packages/core/src/world/server-capacity.js';
import { between } from './fixtures/between.js';
import { CLUSTER, hostsYaml } from './fixtures/hosts.js';

describe('ServerCapacity.resize: work already admitted keeps its times', () => {
  it('a cut retires the slots that free first: an arrival finding n busy starts at the (n − c + 1)-th free time', () => {
    const c = new ServerCapacity(3, Number.POSITIVE_INFINITY);
    expect([c.admit(0, 10), c.admit(0, 20), c.admit(0, 30)]).toEqual([0, 0, 0]); // free at 10, 20, 30
    c.resize(1, Number.POSITIVE_INFINITY);
    // 3 busy, 1 slot left: it starts when 3 − 1 + 1 = 3 have freed, at 30; the next after it, at 40.
    expect(c.admit(5, 10)).toBe(25);
    expect(c.admit(6, 10)).toBe(34);
  });

  it('added slots are free at once, even for an arrival behind requests already waiting', () => {
    const c = new ServerCapacity(1, 5);
    expect(c.admit(0, 100)).toBe(0); // busy until 100
    expect(c.admit(1, 1)).toBe(99); // waits; starts at 100
    c.resize(2, 5);
    expect(c.admit(2, 5)).toBe(0); // the new slot: starts now, free at 7
    expect(c.admit(3, 1)).toBe(4); // both busy: the one freeing at 7
    // Waiting now: the requests starting at 7 and at 100; at 8 only the second still waits.
    expect(c.waitingAt(8)).toBe(1);
  });
});

describe('a timeline changes an endpoint’s concurrency and queue', () => {
  it('concurrency 1 → 2 doubles the throughput of 4 closed-loop clients, halving their waits', () => {
    // 4 clients with no think time, 100 ms of service, no round trip. With one slot the server serves
    // one request per 100 ms and each client waits for the other three: 400 ms each, 10 answers a
    // second. From 10.05 s two slots: 20 a second, 200 ms each (Little: 4 clients / 20 per s).
    const r = simulate({
      config: hostsYaml(1, ''),
      seed: 91,
      duration: '20s',
      network: { rtt: '0ms' },
      traffic: { host: 'api.example.com', clients: 4 },
      endpoints: { '*': { latency: { constant: '100ms' }, concurrency: 1 } },
      timeline: [{ at: '10050ms', endpoint: '10.0.0.1', set: { concurrency: 2 } }],
    });
    expect(between(r, 5_000, 10_000).requests).toBe(50);
    expect(between(r, 15_000, 20_000).requests).toBe(100);
    const p99 = (t: number) => r.timeline.find((p) => p.tMs === t)!.p99Ms;
    // The histogram's buckets are within 1 %.
    expect(p99(7_000)).toBeGreaterThanOrEqual(396);
    expect(p99(7_000)).toBeLessThanOrEqual(404);
    expect(p99(17_000)).toBeGreaterThanOrEqual(198);
    expect(p99(17_000)).toBeLessThanOrEqual(202);
  });

  it('concurrency 2 → 1 with a queue of 0: requests in service finish, then every other arrival is turned away', () => {
    // One arrival every 50 ms from 50 ms, 100 ms of service: two slots are exactly enough. At 10.025 s
    // one slot and no waiting room (429). The requests of 9.95 s and 10 s finish (at 10.05 and 10.1 s);
    // the arrival of 10.05 s finds one busy (10.1 s): turned away; 10.1 s is served (until 10.2 s),
    // 10.15 s turned away, and so on: arrivals k = 201…599 (t = 50k ms), odd k turned away: 200;
    // before, arrivals 1…200 all served, and even k after: 199.
    const r = simulate({
      config: hostsYaml(1, ''),
      seed: 92,
      duration: '30s',
      network: { rtt: '0ms' },
      traffic: { host: 'api.example.com', rps: 20, arrivals: 'constant' },
      endpoints: { '*': { latency: { constant: '100ms' }, concurrency: 2 } },
      timeline: [
        { at: '10025ms', endpoint: '10.0.0.1', set: { concurrency: 1, queue: { size: 0, status: 429 } } },
      ],
    });
    expect(r.client.byStatus).toEqual({ '200': 399, '429': 200 });
    expect(r.clusters[CLUSTER]!.stats.upstream_rq_retry).toBe(0);
  });
});

describe('a timeline changes an endpoint’s idle timeout, flap and TLS failure', () => {
  it('idleTimeout set at 20 s applies from each connection’s next idle period', () => {
    // Round trip 200 ms, 5 ms of service, one client thinking 4.9 s: warm requests take 205 ms, sent at
    // 0 (cold, 405), 5305, 10410, 15515, 20620. The connection idle since 15.72 s keeps its period
    // without a deadline; the one after the 20.62 s request (answered 20.825 s) gets 5 s, so 25.725 s
    // is caught (503 UC), then cold / caught in turn: 30725, 36030 (UC), 41030, 46335 (UC), 51335,
    // 56640 (UC); the next would be 61.64 s.
    const r = simulate({
      config: hostsYaml(1, ''),
      seed: 93,
      duration: '60s',
      proxy: { workers: 1 },
      network: { rtt: '200ms' },
      traffic: { host: 'api.example.com', clients: 1, thinkTime: '4900ms' },
      endpoints: { '*': { latency: { constant: '5ms' } } },
      timeline: [{ at: '20s', endpoint: '10.0.0.1', set: { idleTimeout: '5s' } }],
    });
    expect(r.client.byFlag).toEqual({ '-': 8, UC: 4 });
    expect(between(r, 0, 25_000).errors).toBe(0);
  });

  it('a flap set on the timeline starts its cycle then, offset into it; a becomes without one stops it', () => {
    // At 15 s: period 10 s, up 5 s, 2 s into the cycle: up [15, 18), down [18, 23), up [23, 28),
    // down [28, 33), up from 33 s; at 35 s `becomes` stops it, so [38, 43) stays up. (An offset counted
    // from 0 s would put 15 s at 7 s into the cycle: down at once.)
    const r = simulate({
      config: hostsYaml(1, ''),
      seed: 94,
      duration: '45s',
      network: { rtt: '1ms' },
      traffic: { host: 'api.example.com', rps: 50 },
      endpoints: { '*': { latency: { constant: '5ms' } } },
      timeline: [
        { at: '15s', endpoint: '10.0.0.1', set: { flap: { period: '10s', duty: 0.5, offset: '2s' } } },
        { at: '35s', endpoint: '10.0.0.1', becomes: { latency: { constant: '5ms' } } },
      ],
    });
    for (const [from, to, down] of [
      [0, 15_000, false],
      [15_000, 18_000, false],
      [19_000, 23_000, true],
      [24_000, 28_000, false],
      [29_000, 33_000, true],
      [34_000, 45_000, false],
    ] as const) {
      const w = between(r, from, to);
      expect(w.requests).toBeGreaterThan(0);
      expect(w.errors).toBe(down ? w.requests : 0);
    }
  });

  it('connect: tlsError with a tlsReason on the timeline fails every new handshake from then on', () => {
    // One request per connection, so each needs a handshake; from 10 s each fails (503 UF after
    // Istio's default two retries, all to the one host).
    const r = simulate({
      config: hostsYaml(
        1,
        'tls: { mode: SIMPLE }\nconnectionPool: { http: { maxRequestsPerConnection: 1 } }',
      ),
      seed: 95,
      duration: '20s',
      traffic: { host: 'api.example.com', rps: 20 },
      endpoints: { '*': { latency: { constant: '5ms' } } },
      timeline: [
        { at: '10s', endpoint: '10.0.0.1', set: { connect: 'tlsError', tlsReason: 'HANDSHAKE_FAILURE' } },
      ],
    });
    expect(between(r, 0, 10_000).errors).toBe(0);
    const after = between(r, 11_000, 20_000);
    expect(after.requests).toBeGreaterThan(0);
    expect(after.errors).toBe(after.requests);
    expect(r.client.byFlag['UF,URX']).toBeGreaterThan(0);
  });
});
