import { type SimulationSpec, simulate } from '@meshsim/core';
import { describe, expect, it } from 'vitest';
import {
  failoverPriorities,
  failoverPriorityPriorities,
  lbPriority,
} from '../packages/core/src/config/translate/locality-priority.js';
import { dbEntryYaml } from './fixtures/db-entry.js';

const Z_999 = 3.2905267314919255;

/** 10 hosts in the caller's region (P0) and 10 in another (P1); `failing` of each answer 500 to everything. */
function twoPriorities(failingP0: number, failingP1: number, minHealthPercent = 0) {
  const endpoints: string[] = [];
  const behaviour: NonNullable<SimulationSpec['endpoints']> = { '*': { latency: { constant: '2ms' } } };
  for (let i = 1; i <= 10; i++) {
    endpoints.push(`    - { address: 10.1.0.${i}, locality: us-east-1/us-east-1a }`);
    endpoints.push(`    - { address: 10.2.0.${i}, locality: eu-west-1/eu-west-1a }`);
    if (i <= failingP0)
      behaviour[`10.1.0.${i}`] = { latency: { constant: '2ms' }, errors: [{ status: 500, rate: 1 }] };
    if (i <= failingP1)
      behaviour[`10.2.0.${i}`] = { latency: { constant: '2ms' }, errors: [{ status: 500, rate: 1 }] };
  }
  const config = dbEntryYaml(
    endpoints,
    `    outlierDetection: { consecutive5xxErrors: 1, interval: 1s, baseEjectionTime: 1h, maxEjectionPercent: 100, minHealthPercent: ${minHealthPercent} }`,
  );
  const r = simulate({
    config,
    seed: 31,
    duration: '200s',
    proxy: { locality: 'us-east-1/us-east-1a' },
    traffic: { host: 'db.example.com', rps: 100 },
    endpoints: behaviour,
  });
  const hosts = r.clusters['outbound|80||db.example.com']!.hosts;
  // After the failing hosts' single request each, they are ejected for the rest of the run.
  const p1 = hosts.filter((h) => h.priority === 1).reduce((s, h) => s + h.rqTotal, 0);
  const all = hosts.reduce((s, h) => s + h.rqTotal, 0);
  return { r, p1Share: p1 / all, all };
}

describe("Istio's locality priorities (C.4)", () => {
  it('LbPriority: same subzone 0, same zone 1, same region 2, elsewhere 3', () => {
    expect(lbPriority('r/z/s', 'r/z/s')).toBe(0);
    expect(lbPriority('r/z/s', 'r/z/t')).toBe(1);
    expect(lbPriority('r/z/s', 'r/y/s')).toBe(2);
    expect(lbPriority('r/z/s', 'q/z/s')).toBe(3);
  });

  it('failover moves other regions than `to` below it, then renumbers without gaps', () => {
    const localities = ['us-east-1/a', 'eu-west-1/a', 'ap-southeast-1/a'];
    expect(failoverPriorities('us-east-1/a', localities, undefined)).toEqual([0, 1, 1]);
    expect(failoverPriorities('us-east-1/a', localities, [{ from: 'us-east-1', to: 'eu-west-1' }])).toEqual([
      0, 1, 2,
    ]);
  });
});

describe('per-priority health, overprovisioning and spill, measured from traffic (C.3)', () => {
  it('P0 with 8 of 10 healthy keeps 100 % (140 × 8/10 = 112, capped at 100)', () => {
    const { r, p1Share } = twoPriorities(2, 0);
    expect(p1Share).toBe(0);
    expect(r.client.byStatus['500']).toBe(2);
  });

  it('P0 with 5 of 10 healthy gets 70 %, P1 30 %', () => {
    const { p1Share, all } = twoPriorities(5, 0);
    expect(Math.abs(p1Share - 0.3)).toBeLessThanOrEqual(Z_999 * Math.sqrt(0.21 / all) + 5 / all);
  });

  it('both priorities 5 of 10 healthy: 70 + 70 normalised to 100 → P0 70 %, P1 30 %', () => {
    const { p1Share, all } = twoPriorities(5, 5);
    expect(Math.abs(p1Share - 0.3)).toBeLessThanOrEqual(Z_999 * Math.sqrt(0.21 / all) + 10 / all);
  });

  it('everything ejected with minHealthPercent 0 (panic disabled): 503 UH', () => {
    const { r, all } = twoPriorities(10, 10);
    // Every host answers 500 until its first failure comes back and ejects it (a few get two requests
    // in flight before that); every later request finds no healthy host.
    expect(all).toBeGreaterThanOrEqual(20);
    expect(r.client.byStatus['500']).toBe(all);
    expect(r.client.byFlag.UH).toBe(r.client.total - all);
    expect(r.clusters['outbound|80||db.example.com']!.stats['outlier_detection.ejections_active']).toBe(20);
  });
});

describe('failoverPriority (C.4)', () => {
  it('first mismatching label j gives priority len − j; label=value compares against the value', () => {
    const labels = [
      { 'topology.kubernetes.io/region': 'us', 'topology.kubernetes.io/zone': 'a' },
      { 'topology.kubernetes.io/region': 'us', 'topology.kubernetes.io/zone': 'b' },
      { 'topology.kubernetes.io/region': 'eu', 'topology.kubernetes.io/zone': 'a' },
    ];
    const proxy = { 'topology.kubernetes.io/region': 'us', 'topology.kubernetes.io/zone': 'a' };
    const order = ['topology.kubernetes.io/region', 'topology.kubernetes.io/zone'];
    // us/a matches both → 0; us/b misses the zone (j = 1) → 2 − 1 = 1; eu misses the region (j = 0) → 2.
    expect(failoverPriorityPriorities(proxy, labels, order)).toEqual([0, 1, 2]);
    // Prefer eu explicitly: eu endpoints match the first entry.
    expect(failoverPriorityPriorities(proxy, labels, ['topology.kubernetes.io/region=eu'])).toEqual([
      1, 1, 0,
    ]);
  });
});
