import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { ServerCapacity } from '../packages/core/src/world/server-capacity.js';
import { CLUSTER, hostsYaml } from './fixtures/hosts.js';

describe('ServerCapacity: first come, first served over the slots', () => {
  it('a request waits for the first slot to free; a full waiting room turns it away', () => {
    const c = new ServerCapacity(1, 1);
    expect(c.admit(0, 10)).toBe(0); // slot busy until 10
    expect(c.admit(1, 10)).toBe(9); // waits, starts at 10, busy until 20
    expect(c.admit(2, 10)).toBe(-1); // one already waiting: the room is full
    expect(c.admit(10, 10)).toBe(10); // the waiter started at 10: room free again; starts at 20
    expect(c.admit(31, 5)).toBe(0); // all work done by 30
  });

  it('two slots: each arrival takes the slot that frees first', () => {
    const c = new ServerCapacity(2, Number.POSITIVE_INFINITY);
    expect([c.admit(0, 10), c.admit(0, 4), c.admit(1, 3), c.admit(2, 1)]).toEqual([0, 0, 3, 5]);
  });
});

describe('an endpoint with concurrency 2 and a queue of 1 is an M/M/2/3 queue', () => {
  // Poisson arrivals (λ = 100/s), exponential service (10 ms): offered load a = 1 Erlang. The stationary
  // distribution over 0..3 in the system is ∝ 1, a, a²/2, a³/4, and an arrival finding 3 is turned away.
  const a = 1;
  const weights = [1, a, a ** 2 / 2, a ** 3 / 4];
  const blocking = weights[3]! / weights.reduce((s, w) => s + w, 0);
  const shares = Array.from({ length: 20 }, (_, i) => {
    const r = simulate({
      config: hostsYaml(1, ''),
      seed: 2000 + i,
      duration: '100s',
      network: { rtt: '0ms' },
      traffic: { host: 'api.example.com', rps: 100 },
      // 429 so that Istio's default retry policy leaves the turned-away requests alone.
      endpoints: {
        '*': { latency: { exponential: '10ms' }, concurrency: 2, queue: { size: 1, status: 429 } },
      },
    });
    expect(r.clusters[CLUSTER]!.stats.upstream_rq_retry ?? 0).toBe(0);
    return (r.client.byStatus['429'] ?? 0) / r.client.total;
  });

  it(`turns away ${blocking.toFixed(4)} of requests, within the 99.9 % interval of 20 replications`, () => {
    const mean = shares.reduce((s, x) => s + x, 0) / shares.length;
    const sd = Math.sqrt(shares.reduce((s, x) => s + (x - mean) ** 2, 0) / (shares.length - 1));
    const t999 = 3.8834; // Student t, 19 degrees of freedom, two-sided 99.9 %
    expect(Math.abs(mean - blocking)).toBeLessThanOrEqual((t999 * sd) / Math.sqrt(shares.length));
    expect((t999 * sd) / Math.sqrt(shares.length)).toBeLessThan(0.01);
  });

  it('a queue without concurrency is refused, naming the field', () => {
    expect(() =>
      simulate({
        config: hostsYaml(1, ''),
        duration: '1s',
        traffic: { host: 'api.example.com', rps: 1 },
        endpoints: { '*': { queue: { size: 1 } } },
      }),
    ).toThrow(/endpoints\["\*"\]\.queue: applies only with concurrency/);
  });
});
