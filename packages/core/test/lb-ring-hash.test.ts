import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Host } from '../src/upstream/host.js';
import { RingHashPicker } from '../src/upstream/lb/ring-hash.js';
import { randomUint64, setUint64, type Uint64, uint64 } from '../src/upstream/lb/uint64.js';
import { hostAt, makeHosts, rngOf } from './lb-fixtures.js';

const hash = (value: bigint): Uint64 => setUint64({ hi: 0, lo: 0 }, value);

/** `count` request hashes drawn from a fixed stream. */
function keys(count: number, name = 'ring-keys'): Uint64[] {
  const rng = rngOf(name);
  return Array.from({ length: count }, () => randomUint64(rng, { hi: 0, lo: 0 }));
}

function pointsPerHost(ring: RingHashPicker): Map<Host, number> {
  const counts = new Map<Host, number>();
  for (let at = 0; at < ring.size; at++) {
    const { host } = ring.pointAt(at);
    counts.set(host, (counts.get(host) ?? 0) + 1);
  }
  return counts;
}

function ringOf(hosts: readonly Host[], minimumRingSize?: number): RingHashPicker {
  const ring = new RingHashPicker(rngOf('ring'), minimumRingSize === undefined ? {} : { minimumRingSize });
  ring.refresh(hosts, 0);
  return ring;
}

describe('RING_HASH construction (Envoy RingHashLoadBalancer::Ring)', () => {
  // Envoy's own test "Basic" (ring_hash_lb_test.cc): hosts 127.0.0.1:90–95, minimum ring 12.
  const envoyHosts = [90, 91, 92, 93, 94, 95].map((port, i) => hostAt('127.0.0.1', port, 1, i));

  it('places the points Envoy lists for its Basic test ring', () => {
    const ring = ringOf(envoyHosts, 12);
    expect(ring.size).toBe(12);
    const points = Array.from({ length: 12 }, (_, at) => ring.pointAt(at));
    expect(points.map((p) => [p.host.port, p.hash])).toEqual([
      [94, 833437586790550860n],
      [92, 928266305478181108n],
      [90, 1033482794131418490n],
      [95, 3551244743356806947n],
      [93, 3851675632748031481n],
      [91, 5583722120771150861n],
      [91, 6311230543546372928n],
      [93, 7700377290971790572n],
      [95, 13144177310400110813n],
      [92, 13444792449719432967n],
      [94, 15516499411664133160n],
      [90, 16117243373044804889n],
    ]);
  });

  it('picks as the Envoy Basic test expects, wrapping past the last point', () => {
    const ring = ringOf(envoyHosts, 12);
    expect(ring.pick(hash(0n), 0)).toBe(envoyHosts[4]);
    expect(ring.pick(hash(2n ** 64n - 1n), 0)).toBe(envoyHosts[4]);
    expect(ring.pick(hash(3551244743356806947n), 0)).toBe(envoyHosts[5]);
    expect(ring.pick(hash(3551244743356806948n), 0)).toBe(envoyHosts[3]);
    expect(ring.pick(hash(16117243373044804880n), 0)).toBe(envoyHosts[0]);
  });

  it('sizes the ring so the lightest host gets ceil(w_min · minimum) points', () => {
    const perHost = (ring: RingHashPicker) => {
      const counts = new Map<number, number>();
      for (let at = 0; at < ring.size; at++) {
        const i = ring.pointAt(at).host.index;
        counts.set(i, (counts.get(i) ?? 0) + 1);
      }
      return [...counts.entries()].sort((x, y) => x[0] - y[0]).map(([, c]) => c);
    };
    expect(perHost(ringOf(makeHosts(4)))).toEqual([256, 256, 256, 256]); // 1024
    expect(perHost(ringOf(makeHosts(3)))).toEqual([342, 342, 342]); // ceil(1024/3) = 342 → 1026
    expect(perHost(ringOf(makeHosts(2, [1, 2])))).toEqual([342, 684]); // w_min = 1/3
    expect(perHost(ringOf(makeHosts(1)))).toEqual([1024]);
    const capped = new RingHashPicker(rngOf('ring'), { minimumRingSize: 100, maximumRingSize: 100 });
    capped.refresh(makeHosts(3), 0);
    expect(perHost(capped)).toEqual([34, 33, 33]); // scale min(102, 100): running sums 33.3, 66.7, 100
    // Float running sums can give a host one point more: 99 equal hosts get 11 each but one gets 12.
    expect(perHost(ringOf(makeHosts(99))).filter((c) => c !== 11)).toEqual([12]);
  });

  it('rejects minimum > maximum as Envoy does', () => {
    expect(() => new RingHashPicker(rngOf('ring'), { minimumRingSize: 20, maximumRingSize: 10 })).toThrow(
      'ring hash: minimum_ring_size (20) > maximum_ring_size (10)',
    );
  });

  it('answers null for an empty ring', () => {
    expect(ringOf([]).pick(uint64(1, 2), 0)).toBeNull();
  });
});

describe('RING_HASH lookup', () => {
  it('serves a hash from the first point at or above it, else the first point', () => {
    const ring = ringOf(makeHosts(5), 64);
    const sorted = Array.from({ length: ring.size }, (_, at) => ring.pointAt(at).hash);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (h) => {
        const expected = sorted.findIndex((p) => p >= h);
        expect(ring.pointFor(hash(h))).toBe(Math.max(expected, 0)); // -1: past the last point, wrap
      }),
      { numRuns: 2000 },
    );
    for (const p of sorted.slice(0, 20)) expect(sorted[ring.pointFor(hash(p))]).toBe(p); // exact hits
  });

  it('without a hash uses a random 64-bit value, as Envoy does', () => {
    const ring = new RingHashPicker(rngOf('no-hash'));
    ring.refresh(makeHosts(6), 0);
    const same = rngOf('no-hash');
    for (let i = 0; i < 100; i++) {
      expect(ring.pick(null, 0)).toBe(ring.pick(randomUint64(same, { hi: 0, lo: 0 }), 0));
    }
  });
});

describe('RING_HASH stability when a host leaves', () => {
  it('50 → 49 hosts (21 points each either way): exactly the removed host\u2019s keys move', () => {
    const hosts = makeHosts(50);
    const before = ringOf(hosts);
    const removed = hosts[37]!;
    const after = ringOf(hosts.filter((h) => h !== removed));
    let moved = 0;
    for (const key of keys(20_000)) {
      const was = before.pick(key, 0)!;
      const now = after.pick(key, 0)!;
      if (was === removed) expect(now).not.toBe(removed);
      else expect(now).toBe(was);
      if (now !== was) moved++;
    }
    // The removed host owned 21 of 1050 points, a share near 2 % (sd ≈ sqrt(21)/1050 ≈ 0.44 %).
    expect(moved / 20_000).toBeGreaterThan(0.02 - 5 * 0.0044);
    expect(moved / 20_000).toBeLessThan(0.02 + 5 * 0.0044);
  });

  it('4 → 3 hosts: survivors gain points (256 → 342), and only those new points take keys', () => {
    // Envoy rescales the ring to the new host count, so surviving hosts also trade keys: a key leaves
    // a survivor only when a survivor's new point (index >= 256) now lies before it on the ring.
    const hosts = makeHosts(4);
    const before = ringOf(hosts);
    const after = ringOf(hosts.slice(0, 3));
    let betweenSurvivors = 0;
    let onNewPoints = 0;
    const all = keys(20_000);
    for (const key of all) {
      const was = before.pick(key, 0)!;
      const point = after.pointAt(after.pointFor(key));
      if (point.index >= 256) onNewPoints++;
      if (was !== hosts[3] && point.host !== was) {
        betweenSurvivors++;
        expect(point.index).toBeGreaterThanOrEqual(256);
      }
    }
    expect(betweenSurvivors).toBeGreaterThan(0); // the ENVOY-SEMANTICS C.2 "only its keys" is not exact
    expect(betweenSurvivors).toBeLessThanOrEqual(onNewPoints);
  });

  it('for any host count, a key changes hands only through a point one ring has and the other lacks', () => {
    // Points common to both rings hash the same, so if neither the old nor the new owning point is
    // new or gone, they are the same point. New points: survivors' rescaled extras; gone: the removed
    // host's, and any a survivor lost to float rounding of the running sums.
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.nat(), (n, pick) => {
        const hosts = makeHosts(n);
        const removed = hosts[pick % n]!;
        const before = ringOf(hosts);
        const after = ringOf(hosts.filter((h) => h !== removed));
        const countsBefore = pointsPerHost(before);
        const countsAfter = pointsPerHost(after);
        for (const key of keys(500, `ring-prop-${n}`)) {
          const old = before.pointAt(before.pointFor(key));
          const now = after.pointAt(after.pointFor(key));
          if (old.host === now.host) continue;
          const added = now.index >= (countsBefore.get(now.host) ?? 0);
          const gone = old.index >= (countsAfter.get(old.host) ?? 0);
          expect(added || gone).toBe(true);
        }
      }),
      { numRuns: 40 },
    );
  });
});
