import { simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import { dnsEntry } from './fixtures/dns-entry.js';

const CLUSTER = 'outbound|80||api.third-party.io';
const answers = ['198.51.100.1', '198.51.100.2', '198.51.100.3'];

describe('DNS → STRICT_DNS (D.2)', () => {
  it('spreads over every answer: each distinct address is a host', () => {
    const r = simulate({
      config: dnsEntry('DNS'),
      seed: 51,
      duration: '60s',
      dns: { 'api.third-party.io': { ttl: '30s', answers } },
      traffic: { host: 'api.third-party.io', rps: 90 },
      endpoints: { '*': { latency: { constant: '5ms' } } },
    });
    const cluster = r.clusters[CLUSTER]!;
    expect(cluster.hosts.map((h) => h.address)).toEqual(answers.map((a) => `${a}:80`));
    const n = r.client.total;
    for (const h of cluster.hosts)
      expect(h.rqTotal).toBeGreaterThan(n / 3 - 3.29 * Math.sqrt((n * 2) / 9) - n * 0.05);
    // Resolved at start, then every 30 s (+ up to 100 ms jitter): t = 0, ~30 s; the next at ~60.1 s is past the end.
    expect(cluster.stats.update_attempt).toBe(2);
    expect(cluster.stats.membership_total).toBe(3);
  });

  it('a name with no DNS entry fails every query: no host, 503 UH, and a warning says why', () => {
    const r = simulate({
      config: dnsEntry('DNS'),
      seed: 51,
      duration: '10s',
      traffic: { host: 'api.third-party.io', rps: 10 },
    });
    expect(r.client.byFlag).toEqual({ UH: r.client.total });
    expect(r.clusters[CLUSTER]!.stats.update_failure).toBe(1);
    expect(r.warnings.some((w) => w.includes('NXDOMAIN'))).toBe(true);
  });
});

describe('DNS_ROUND_ROBIN → LOGICAL_DNS (D.3, D.4)', () => {
  it('with keep-alive, traffic sticks to the first address: rotation changes only new connections', () => {
    const r = simulate({
      config: dnsEntry('DNS_ROUND_ROBIN'),
      seed: 52,
      duration: '120s',
      // The server rotates its answers on every query; Envoy re-resolves every 5 s.
      dns: { 'api.third-party.io': { ttl: '5s', answers, rotate: true } },
      traffic: { host: 'api.third-party.io', rps: 20 },
      endpoints: { '*': { latency: { constant: '5ms' } } },
    });
    const host = r.clusters[CLUSTER]!.hosts[0]!;
    expect(r.clusters[CLUSTER]!.hosts).toHaveLength(1);
    const byAddress = host.requestsByAddress!;
    const total = Object.values(byAddress).reduce((s, n) => s + n, 0);
    const top = Math.max(...Object.values(byAddress));
    // At 20 rps with 5 ms requests, each worker's one connection stays busy-then-idle and is reused for
    // the whole run (idle timeout 1 h): at most one address per worker ever carries traffic.
    expect(Object.keys(byAddress).length).toBeLessThanOrEqual(2);
    expect(top / total).toBeGreaterThanOrEqual(0.45);
    expect(total).toBe(r.client.total);
  });

  it('STRICT_DNS under the same rotating answers uses all three', () => {
    const r = simulate({
      config: dnsEntry('DNS'),
      seed: 52,
      duration: '120s',
      dns: { 'api.third-party.io': { ttl: '5s', answers, rotate: true } },
      traffic: { host: 'api.third-party.io', rps: 20 },
      endpoints: { '*': { latency: { constant: '5ms' } } },
    });
    const hosts = r.clusters[CLUSTER]!.hosts;
    // Rotation reorders the same set: the hosts stay, with their state, and share the load.
    expect(hosts).toHaveLength(3);
    expect(r.clusters[CLUSTER]!.stats.membership_change).toBe(1);
    for (const h of hosts) expect(h.rqTotal).toBeGreaterThan(r.client.total / 6);
  });

  it('happy eyeballs: a refusing first address falls back to the next one at once', () => {
    const r = simulate({
      config: dnsEntry('DNS_ROUND_ROBIN'),
      seed: 53,
      duration: '30s',
      dns: { 'api.third-party.io': { ttl: '60s', answers } },
      traffic: { host: 'api.third-party.io', rps: 10 },
      endpoints: { '*': { latency: { constant: '5ms' } }, '198.51.100.1': { connect: 'refuse' } },
    });
    const host = r.clusters[CLUSTER]!.hosts[0]!;
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
    expect(Object.keys(host.requestsByAddress!)).toEqual(['198.51.100.2']);
  });
});

describe('DNS failures (D.2)', () => {
  it('a resolver outage keeps the STRICT_DNS hosts; retries come at dns_refresh_rate (60 s)', () => {
    const r = simulate({
      config: dnsEntry('DNS'),
      seed: 54,
      duration: '100s',
      dns: { 'api.third-party.io': { ttl: '10s', answers } },
      traffic: { host: 'api.third-party.io', rps: 10 },
      endpoints: { '*': { latency: { constant: '5ms' } } },
      timeline: [{ at: '15s', dns: 'api.third-party.io', set: { failure: 'SERVFAIL' } }],
    });
    const c = r.clusters[CLUSTER]!;
    // Queries at 0 and ~10 s succeed; ~20 s fails; the next try waits 60 s (~80 s) and fails again.
    expect(c.stats.update_success).toBe(2);
    expect(c.stats.update_failure).toBe(2);
    // The hosts stay, so nothing changes for the clients.
    expect(c.stats.membership_total).toBe(3);
    expect(r.client.byStatus).toEqual({ '200': r.client.total });
  });

  it('an empty answer leaves STRICT_DNS with no host: 503 UH', () => {
    const r = simulate({
      config: dnsEntry('DNS'),
      seed: 55,
      duration: '30s',
      dns: { 'api.third-party.io': { ttl: '5s', answers } },
      traffic: { host: 'api.third-party.io', rps: 10 },
      endpoints: { '*': { latency: { constant: '5ms' } } },
      timeline: [{ at: '10s', dns: 'api.third-party.io', set: { answers: [] } }],
    });
    const c = r.clusters[CLUSTER]!;
    expect(c.stats.update_empty).toBeGreaterThan(0);
    expect(c.stats.membership_total).toBe(0);
    expect(r.client.byFlag.UH).toBeGreaterThan(0);
  });
});

describe('endpoint behaviours for DNS clusters', () => {
  it('an address a DNS cluster resolves to, now or after a timeline change, is not reported as unknown', () => {
    const r = simulate({
      config: dnsEntry('DNS'),
      seed: 52,
      duration: '5s',
      dns: { 'api.third-party.io': { ttl: '30s', answers: ['198.51.100.1'] } },
      traffic: { host: 'api.third-party.io', rps: 10 },
      endpoints: {
        '198.51.100.1': { latency: { constant: '5ms' } },
        '198.51.100.2': { latency: { constant: '5ms' } },
        '198.51.100.9': { latency: { constant: '5ms' } },
      },
      timeline: [{ at: '2s', dns: 'api.third-party.io', set: { answers: ['198.51.100.2'] } }],
    });
    const unknown = r.warnings.filter((w) => w.includes('no simulated cluster has an endpoint'));
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toContain('198.51.100.9');
  });
});
