import { describe, expect, it } from 'vitest';
import type { Host } from '../src/upstream/host.js';
import { LeastRequestPicker } from '../src/upstream/lb/least-request-picker.js';
import { RoundRobinPicker } from '../src/upstream/lb/round-robin-picker.js';
import { HostWarmupClock, SlowStart } from '../src/upstream/lb/slow-start.js';
import { countPicks, makeHosts, rngOf } from './lb-fixtures.js';

const WINDOW_MS = 10_000;

/** A slow start whose host was first seen healthy at t = 0. */
function warmingFrom0(config: { aggression?: number; minWeightPercent?: number } = {}) {
  const [host] = makeHosts(1);
  const slowStart = new SlowStart({ slowStartWindowMs: WINDOW_MS, ...config }, new HostWarmupClock(), 0);
  slowStart.observe([host!], 0);
  return { host: host!, slowStart };
}

describe('slow start factor (Envoy applySlowStartFactor)', () => {
  it('is max(10 %, t / window) with aggression 1: 0.1 at 0, 0.5 at half, 1 from the window on', () => {
    const { host, slowStart } = warmingFrom0();
    expect(slowStart.factor(host, 0)).toBe(0.1); // 1 ms / 10 s = 0.0001 < 0.1
    expect(slowStart.factor(host, 999)).toBe(0.1); // 0.0999
    expect(slowStart.factor(host, 1500)).toBe(0.15);
    expect(slowStart.factor(host, WINDOW_MS / 2)).toBe(0.5);
    expect(slowStart.factor(host, WINDOW_MS - 1)).toBe(0.9999);
    expect(slowStart.factor(host, WINDOW_MS)).toBe(1); // in_healthy_state_duration < window fails
    expect(slowStart.factor(host, 3 * WINDOW_MS)).toBe(1);
  });

  it('applies (t / window)^(1 / aggression) and the configured floor', () => {
    const steep = warmingFrom0({ aggression: 2 });
    expect(steep.slowStart.factor(steep.host, WINDOW_MS / 4)).toBe(0.5); // sqrt(0.25)
    const noFloor = warmingFrom0({ minWeightPercent: 0 });
    expect(noFloor.slowStart.factor(noFloor.host, 0)).toBe(1 / WINDOW_MS); // t counts as 1 ms
    const invalid = warmingFrom0({ aggression: -1 }); // Envoy falls back to 1.0
    expect(invalid.slowStart.factor(invalid.host, WINDOW_MS / 4)).toBe(0.25);
  });

  it('counts whole milliseconds, as Envoy duration_cast does', () => {
    const { host, slowStart } = warmingFrom0({ minWeightPercent: 0 });
    expect(slowStart.factor(host, 2500.9)).toBe(0.25);
  });

  it('leaves a host never seen healthy at full weight', () => {
    const [host] = makeHosts(1);
    const slowStart = new SlowStart({ slowStartWindowMs: WINDOW_MS }, new HostWarmupClock(), 0);
    expect(slowStart.factor(host!, 0)).toBe(1);
  });

  it('stamps a host once: an ejection and return does not restart its warm-up', () => {
    const [host] = makeHosts(1);
    let healthy = false;
    const clock = new HostWarmupClock(() => healthy);
    const slowStart = new SlowStart({ slowStartWindowMs: WINDOW_MS }, clock, 0);
    slowStart.observe([host!], 0); // unhealthy: not stamped
    expect(clock.lastHcPassTimeMs(host!)).toBeUndefined();
    healthy = true;
    slowStart.observe([host!], 2000);
    healthy = false;
    slowStart.observe([host!], 4000);
    healthy = true;
    slowStart.observe([host!], 6000);
    expect(clock.lastHcPassTimeMs(host!)).toBe(2000);
    expect(slowStart.factor(host!, 7000)).toBe(0.5);
  });
});

describe('slow start in ROUND_ROBIN and LEAST_REQUEST', () => {
  it('warms every host present when the balancer starts, so equal weights still use EDF', () => {
    const hosts = makeHosts(3);
    const warm = new RoundRobinPicker(
      rngOf('rr'),
      new SlowStart({ slowStartWindowMs: WINDOW_MS }, new HostWarmupClock(), 0),
    );
    warm.refresh(hosts, 0);
    expect(warm.usesEdf).toBe(true);
    const plain = new RoundRobinPicker(rngOf('rr'));
    plain.refresh(hosts, 0);
    expect(plain.usesEdf).toBe(false);
    warm.refresh(hosts, WINDOW_MS + 1); // the next refresh after the window drops the schedule
    expect(warm.usesEdf).toBe(false);
  });

  it('LEAST_REQUEST leaves power-of-two-choices while hosts warm up', () => {
    const hosts = makeHosts(4);
    const picker = new LeastRequestPicker(
      rngOf('lr'),
      {},
      new SlowStart({ slowStartWindowMs: WINDOW_MS }, new HostWarmupClock(), 0),
    );
    picker.refresh(hosts, 0);
    expect(picker.usesEdf).toBe(true);
    // EDF over equal weights with no load visits each host once per round of 4; random draws
    // would do that in all 10 rounds with probability (4!/4⁴)¹⁰ ≈ 10⁻¹⁰.
    for (let round = 0; round < 10; round++) {
      const seen = new Set<Host | null>(Array.from({ length: 4 }, () => picker.pick(null, 100)));
      expect(seen.size).toBe(4);
    }
  });

  it('a host added after start-up gets weight × t/window: half its share halfway through', () => {
    const [a, b, c] = makeHosts(3);
    const clock = new HostWarmupClock();
    const picker = new RoundRobinPicker(
      rngOf('rr-new'),
      new SlowStart({ slowStartWindowMs: WINDOW_MS }, clock, 0),
    );
    picker.refresh([a!, b!], 0);
    picker.refresh([a!, b!, c!], 20_000); // A and B are past their window; C starts now
    picker.refresh([a!, b!, c!], 25_000); // any update rebuilds the schedule with current weights
    // Weights 1, 1, 0.5 → C gets 0.5 / 2.5 = 1/5 of picks; EDF keeps each end within one pick.
    const counts = countPicks(() => picker.pick(null, 25_000), 5000);
    expect(Math.abs(counts.get(c!)! - 1000)).toBeLessThanOrEqual(2);
    expect(Math.abs(counts.get(a!)! - 2000)).toBeLessThanOrEqual(2);
  });

  it('shares the warm-up stamp between workers, since it belongs to the host', () => {
    const [a, b] = makeHosts(2);
    const clock = new HostWarmupClock();
    const worker0 = new SlowStart({ slowStartWindowMs: WINDOW_MS }, clock, 0);
    const worker1 = new SlowStart({ slowStartWindowMs: WINDOW_MS }, clock, 0);
    worker0.observe([a!, b!], 3000);
    worker1.observe([a!, b!], 8000);
    expect(worker1.factor(a!, 8000)).toBe(0.5);
  });
});
