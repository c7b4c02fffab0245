import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { dnsEntry } from './fixtures/dns-entry.js';
import { CLUSTER, hostsYaml } from './fixtures/hosts.js';

const Z_999 = 3.2905267314919255;

describe('the Scenario timeline', () => {
  it('an endpoint that starts refusing at 30 s: outlier detection ejects it, the phases are labelled', () => {
    const r = simulate({
      config: hostsYaml(
        3,
        'outlierDetection: { consecutive5xxErrors: 5, interval: 5s, baseEjectionTime: 60s, maxEjectionPercent: 50 }',
      ),
      seed: 91,
      duration: '60s',
      traffic: { host: 'api.example.com', rps: 30 },
      endpoints: { '*': { latency: { constant: '5ms' } } },
      timeline: [
        { at: '0s', phase: 'steady' },
        { at: '30s', endpoint: '10.0.0.2', set: { connect: 'refuse' }, phase: 'one endpoint down' },
      ],
    });
    expect(r.phases).toEqual([
      { atMs: 0, label: 'steady' },
      { atMs: 30_000, label: 'one endpoint down' },
    ]);
    const ejections = r.clusters[CLUSTER]!.ejections;
    expect(ejections).toHaveLength(1);
    expect(ejections[0]!.host).toBe('10.0.0.2:80');
    // Five connect failures (each a 503 to the detector) after 30 s; a third of 30 rps reaches it.
    expect(ejections[0]!.atMs).toBeGreaterThan(30_000);
    expect(ejections[0]!.atMs).toBeLessThan(33_000);
    // Connect failures are retried by Istio's default policy: the client sees no error.
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
  });

  it('a traffic rate change: arrivals follow the new rate from then on', () => {
    const r = simulate({
      config: hostsYaml(1),
      seed: 92,
      duration: '60s',
      traffic: { host: 'api.example.com', rps: 10 },
      endpoints: { '*': { latency: { constant: '1ms' } } },
      timeline: [{ at: '30s', traffic: 0, set: { rps: 100 } }],
    });
    const before = r.timeline.filter((t) => t.tMs < 30_000).reduce((s, t) => s + t.requests, 0);
    const after = r.timeline.filter((t) => t.tMs >= 30_000).reduce((s, t) => s + t.requests, 0);
    expect(Math.abs(before - 300)).toBeLessThanOrEqual(Z_999 * Math.sqrt(300) + 1);
    expect(Math.abs(after - 3000)).toBeLessThanOrEqual(Z_999 * Math.sqrt(3000) + 1);
  });

  it('a DNS change mid-run moves LOGICAL_DNS new connections only: keep-alive holds the old address', () => {
    const r = simulate({
      config: dnsEntry('DNS_ROUND_ROBIN'),
      seed: 93,
      duration: '60s',
      proxy: { workers: 1 },
      dns: { 'api.third-party.io': { ttl: '5s', answers: ['198.51.100.1'] } },
      traffic: { host: 'api.third-party.io', clients: 1, thinkTime: '100ms' },
      endpoints: { '*': { latency: { constant: '5ms' } } },
      timeline: [{ at: '20s', dns: 'api.third-party.io', set: { answers: ['198.51.100.2'] } }],
    });
    const byAddress = r.clusters['outbound|80||api.third-party.io']!.hosts[0]!.requestsByAddress!;
    // One client, one connection, never idle for an hour: every request rides the first connection.
    expect(byAddress).toEqual({ '198.51.100.1': r.client.total });
  });

  it('a DNS change mid-run moves STRICT_DNS hosts: the new address takes over after the next refresh', () => {
    const r = simulate({
      config: dnsEntry('DNS'),
      seed: 94,
      duration: '60s',
      dns: { 'api.third-party.io': { ttl: '5s', answers: ['198.51.100.1'] } },
      traffic: { host: 'api.third-party.io', rps: 20 },
      endpoints: { '*': { latency: { constant: '5ms' } } },
      timeline: [{ at: '20s', dns: 'api.third-party.io', set: { answers: ['198.51.100.2'] } }],
    });
    const hosts = r.clusters['outbound|80||api.third-party.io']!.hosts;
    expect(hosts.map((h) => [h.address, h.removed ?? false])).toEqual([
      ['198.51.100.1:80', true],
      ['198.51.100.2:80', false],
    ]);
    // Refreshes at 0, ~5, ~10, ~15, ~20 s (each + up to 100 ms jitter): the change is seen by 25.5 s.
    expect(hosts[0]!.rqTotal).toBeLessThanOrEqual(20 * 25.5 * 1.3);
    expect(hosts[1]!.rqTotal).toBeGreaterThan(20 * 34 * 0.7);
  });
});

describe('constant arrivals', () => {
  it('space requests exactly 1000/rps ms apart: 10 rps for 10 s is exactly 99 requests (t = 100 … 9,900 ms)', () => {
    const r = simulate({
      config: hostsYaml(1),
      seed: 96,
      duration: '10s',
      traffic: { host: 'api.example.com', rps: 10, arrivals: 'constant' },
      endpoints: { '*': { latency: { constant: '1ms' } } },
    });
    expect(r.client.total).toBe(99);
  });
});

describe('a closed loop changed on the timeline: clients and think time', () => {
  it('adds clients at once, retires the extra ones at the end of their think time, and thinks anew', () => {
    const r = simulate({
      config: hostsYaml(1),
      seed: 61,
      duration: '15s',
      network: { rtt: '0ms' },
      report: { timelineBucket: '5s' },
      traffic: { host: 'api.example.com', clients: 1, thinkTime: '40ms' },
      endpoints: { '*': { latency: { constant: '10ms' } } },
      timeline: [
        { at: '5s', traffic: 0, set: { clients: 3 } },
        { at: '10s', traffic: 0, set: { clients: 1, thinkTime: '90ms' } },
      ],
    });
    // Each client: 10 ms of service, 40 ms of thought: a request every 50 ms, 100 in 5 s. From 5 s three
    // (two new ones send at 5 s): 300. At 10 s two retire as their thought ends and the last one thinks
    // 90 ms: a request every 100 ms, 50 in the last 5 s. Answers counted where they complete.
    expect(r.timeline.map((p) => p.requests)).toEqual([100, 300, 50]);
    expect(r.client.byStatus).toEqual({ '200': 450 });
    expect(r.unfinished).toBe(0);
  });

  it('refuses clients on an open-loop source and rps on a closed one, naming the field', () => {
    const base = {
      config: hostsYaml(1),
      duration: '10s',
      endpoints: { '*': { latency: { constant: '10ms' } } },
    };
    expect(() =>
      simulate({
        ...base,
        traffic: { host: 'api.example.com', rps: 10 },
        timeline: [{ at: '5s', traffic: 0, set: { clients: 3 } }],
      }),
    ).toThrow(/timeline\[0\]\.set\.clients: applies only to a closed-loop source/);
    expect(() =>
      simulate({
        ...base,
        traffic: { host: 'api.example.com', clients: 2 },
        timeline: [{ at: '5s', traffic: 0, set: { rps: 3 } }],
      }),
    ).toThrow(/timeline\[0\]\.set\.rps: applies only to an open-loop source/);
  });
});
