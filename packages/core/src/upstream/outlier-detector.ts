import {
  ejectionFitsCap,
  type OutlierDetectionConfig,
  type OutlierEjectionType,
} from '../envoy/outlier-detection.js';
import type { Rng } from '../kernel/random-streams.js';
import type { EjectionReport } from '../observe/report.js';
import type { Host } from './host.js';
import { OutlierHostMonitor, type SuccessRateBuckets } from './outlier-host-monitor.js';
import { OutlierResult } from './outlier-result.js';

/** What the detector needs from the rest of the cluster: the clock and health-change notification. */
export interface OutlierDetectorHost {
  nowMs(): number;
  /** `host` was ejected (+1) or returned (−1): the priority set must be recomputed. */
  onHealthChanged(ejectedHostsDelta: number, host: Host): void;
}

const STAT_SUFFIX: Record<OutlierEjectionType, string> = {
  CONSECUTIVE_5XX: 'consecutive_5xx',
  CONSECUTIVE_GATEWAY_FAILURE: 'consecutive_gateway_failure',
  CONSECUTIVE_LOCAL_ORIGIN_FAILURE: 'consecutive_local_origin_failure',
  SUCCESS_RATE: 'success_rate',
  SUCCESS_RATE_LOCAL_ORIGIN: 'local_origin_success_rate',
  FAILURE_PERCENTAGE: 'failure_percentage',
  FAILURE_PERCENTAGE_LOCAL_ORIGIN: 'local_origin_failure_percentage',
};

/** The report lists this many ejections per cluster; later ones are counted (each host's count stays exact). */
export const MAX_LISTED_EJECTIONS = 10_000;

/**
 * Envoy's outlier detector for one cluster (outlier_detection_impl.cc): monitors fed once per attempt,
 * consecutive-error detection with the cap on ejections, ejection back-off, and the interval sweep that
 * returns hosts, runs the success-rate and failure-percentage detectors and decays back-off.
 */
export class OutlierDetector {
  readonly monitors: OutlierHostMonitor[];
  readonly ejections: EjectionReport[] = [];
  /** Ejections past MAX_LISTED_EJECTIONS, counted but not listed, so memory stays bounded on long runs. */
  ejectionsNotListed = 0;
  ejectionsActive = 0;
  /** Hosts the cluster has now: the cap counts these, across every priority. */
  private memberCount: number;
  private readonly counters = new Map<string, number>();

  constructor(
    readonly config: OutlierDetectionConfig,
    hosts: readonly Host[],
    private readonly owner: OutlierDetectorHost,
    private readonly enforcementRng: Rng,
  ) {
    this.monitors = hosts.map((h) => new OutlierHostMonitor(h));
    this.memberCount = hosts.length;
  }

  /** A host joined (DNS refresh): a fresh monitor with no history. */
  addHost(host: Host): void {
    this.monitors[host.index] = new OutlierHostMonitor(host);
    this.memberCount++;
  }

  /** A host left (DNS refresh): its monitor and any ejection go with it. */
  removeHost(host: Host): void {
    const monitor = this.monitors[host.index]!;
    this.memberCount--;
    if (host.ejected) {
      this.ejectionsActive--;
      const now = this.owner.nowMs();
      monitor.ejectedMs += now - monitor.lastEjectionMs;
      this.closeEjection(monitor, now);
      host.ejected = false;
      this.owner.onHealthChanged(-1, host);
    }
    monitor.removed = true;
  }

  /** One attempt's outcome (DetectorHostMonitorImpl::putResult). Overflow never reaches here. */
  putResult(host: Host, result: OutlierResult, httpStatus: number): void {
    const monitor = this.monitors[host.index]!;
    if (!this.config.splitExternalLocalOriginErrors) {
      // Local-origin outcomes become codes: connect failure 503, timeout 504, a tcp_proxy's final success 200,
      // an HTTP connect success nothing (resultToHttpCode).
      if (result === OutlierResult.HttpCode) this.putHttpResponseCode(monitor, httpStatus);
      else if (result === OutlierResult.LocalOriginConnectFailed) this.putHttpResponseCode(monitor, 503);
      else if (result === OutlierResult.LocalOriginTimeout) this.putHttpResponseCode(monitor, 504);
      else if (result === OutlierResult.LocalOriginConnectSuccessFinal)
        this.putHttpResponseCode(monitor, 200);
      return;
    }
    if (result === OutlierResult.HttpCode) this.putHttpResponseCode(monitor, httpStatus);
    else if (
      result === OutlierResult.LocalOriginConnectSuccess ||
      result === OutlierResult.LocalOriginConnectSuccessFinal
    )
      this.localOriginSuccess(monitor);
    else this.localOriginFailure(monitor);
  }

  private putHttpResponseCode(monitor: OutlierHostMonitor, status: number): void {
    monitor.externalOrigin.currentTotal++;
    if (status >= 500 && status <= 599) {
      if (status >= 502 && status <= 504) {
        if (++monitor.consecutiveGatewayFailure === this.config.consecutiveGatewayFailure) {
          this.onConsecutiveError(monitor, 'CONSECUTIVE_GATEWAY_FAILURE');
        }
      } else {
        monitor.consecutiveGatewayFailure = 0;
      }
      if (++monitor.consecutive5xx === this.config.consecutive5xx)
        this.onConsecutiveError(monitor, 'CONSECUTIVE_5XX');
    } else {
      monitor.externalOrigin.currentSuccess++;
      monitor.consecutive5xx = 0;
      monitor.consecutiveGatewayFailure = 0;
    }
  }

  private localOriginFailure(monitor: OutlierHostMonitor): void {
    monitor.localOrigin.currentTotal++;
    if (++monitor.consecutiveLocalOriginFailure === this.config.consecutiveLocalOriginFailure) {
      this.onConsecutiveError(monitor, 'CONSECUTIVE_LOCAL_ORIGIN_FAILURE');
    }
  }

  private localOriginSuccess(monitor: OutlierHostMonitor): void {
    monitor.localOrigin.currentTotal++;
    monitor.localOrigin.currentSuccess++;
    monitor.consecutiveLocalOriginFailure = 0;
  }

  /** onConsecutiveErrorWorker: an ejected host is ignored and its counter is not reset. */
  private onConsecutiveError(monitor: OutlierHostMonitor, type: OutlierEjectionType): void {
    if (monitor.host.ejected) return;
    this.count(`ejections_detected_${STAT_SUFFIX[type]}`);
    this.ejectHost(monitor, type);
    if (type === 'CONSECUTIVE_5XX') {
      this.count('ejections_consecutive_5xx');
      monitor.consecutive5xx = 0;
    } else if (type === 'CONSECUTIVE_GATEWAY_FAILURE') {
      monitor.consecutiveGatewayFailure = 0;
    } else {
      monitor.consecutiveLocalOriginFailure = 0;
    }
  }

  /** Whether one more ejection fits under maxEjectionPercent, counted over every host of every priority. */
  private ejectionAllowed(): boolean {
    return ejectionFitsCap(this.config, this.ejectionsActive, this.memberCount);
  }

  private enforcing(type: OutlierEjectionType): number {
    const c = this.config;
    switch (type) {
      case 'CONSECUTIVE_5XX':
        return c.enforcingConsecutive5xx;
      case 'CONSECUTIVE_GATEWAY_FAILURE':
        return c.enforcingConsecutiveGatewayFailure;
      case 'CONSECUTIVE_LOCAL_ORIGIN_FAILURE':
        return c.enforcingConsecutiveLocalOriginFailure;
      case 'SUCCESS_RATE':
        return c.enforcingSuccessRate;
      case 'SUCCESS_RATE_LOCAL_ORIGIN':
        return c.enforcingLocalOriginSuccessRate;
      case 'FAILURE_PERCENTAGE':
        return c.enforcingFailurePercentage;
      case 'FAILURE_PERCENTAGE_LOCAL_ORIGIN':
        return c.enforcingFailurePercentageLocalOrigin;
    }
  }

  private ejectHost(monitor: OutlierHostMonitor, type: OutlierEjectionType): void {
    if (!this.ejectionAllowed()) {
      this.count('ejections_overflow');
      return;
    }
    if (type === 'CONSECUTIVE_5XX' || type === 'SUCCESS_RATE') this.count('ejections_total');
    const pct = this.enforcing(type);
    // Envoy's runtime featureEnabled roll; Istio only ever sets 0 or 100, which need no draw.
    const enforce = pct >= 100 || (pct > 0 && this.enforcementRng() * 100 < pct);
    if (!enforce) return;
    const now = this.owner.nowMs();
    this.ejectionsActive++;
    this.count('ejections_enforced_total');
    this.count(`ejections_enforced_${STAT_SUFFIX[type]}`);
    monitor.host.ejected = true;
    monitor.numEjections++;
    monitor.lastEjectionMs = now;
    const { baseEjectionTimeMs: base, maxEjectionTimeMs: max } = this.config;
    if (monitor.ejectTimeBackoff * base < max + base) monitor.ejectTimeBackoff++;
    if (this.ejections.length < MAX_LISTED_EJECTIONS) {
      monitor.openEjection = this.ejections.length;
      this.ejections.push({ host: monitor.host.hostPort, atMs: now, untilMs: null, type });
    } else {
      this.ejectionsNotListed++;
    }
    this.owner.onHealthChanged(+1, monitor.host);
  }

  /** The host's listed ejection, if it has one open, ends now. */
  private closeEjection(monitor: OutlierHostMonitor, now: number): void {
    if (monitor.openEjection >= 0) this.ejections[monitor.openEjection]!.untilMs = now;
    monitor.openEjection = -1;
  }

  private unejectHost(monitor: OutlierHostMonitor, now: number): void {
    this.ejectionsActive--;
    monitor.host.ejected = false;
    monitor.resetConsecutive();
    monitor.lastUnejectionMs = now;
    monitor.ejectedMs += now - monitor.lastEjectionMs;
    this.closeEjection(monitor, now);
    this.owner.onHealthChanged(-1, monitor.host);
  }

  /** The interval timer: uneject, roll the success-rate buckets, run the rate detectors, decay back-off. */
  onIntervalTimer(): void {
    const now = this.owner.nowMs();
    const { baseEjectionTimeMs: base, maxEjectionTimeMs: max, intervalMs } = this.config;
    for (const m of this.monitors) {
      if (m.removed) continue;
      if (m.host.ejected && Math.min(base * m.ejectTimeBackoff, max) <= now - m.lastEjectionMs)
        this.unejectHost(m, now);
      m.externalOrigin.swap();
      m.localOrigin.swap();
    }
    this.processSuccessRate('external');
    this.processSuccessRate('local');
    for (const m of this.monitors) {
      if (m.removed) continue;
      const clean =
        !m.host.ejected && !Number.isNaN(m.lastUnejectionMs) && now - m.lastUnejectionMs >= intervalMs;
      if (clean && m.ejectTimeBackoff > 0) m.ejectTimeBackoff--;
    }
  }

  /** processSuccessRateEjections: mean − factor·stdev over hosts with enough volume; failure percentage ≥ threshold. */
  private processSuccessRate(origin: 'external' | 'local'): void {
    const c = this.config;
    const n = this.memberCount;
    if (n < c.successRateMinimumHosts && n < c.failurePercentageMinimumHosts) return;
    const buckets = (m: OutlierHostMonitor): SuccessRateBuckets =>
      origin === 'external' ? m.externalOrigin : m.localOrigin;
    const rated: Array<[OutlierHostMonitor, number]> = [];
    const failing: Array<[OutlierHostMonitor, number]> = [];
    let sum = 0;
    for (const m of this.monitors) {
      if (m.host.ejected || m.removed) continue;
      const b = buckets(m);
      const rate = b.closedRatePct();
      if (rate < 0) continue;
      if (b.closedTotal >= c.successRateRequestVolume) {
        rated.push([m, rate]);
        sum += rate;
      }
      if (b.closedTotal >= c.failurePercentageRequestVolume) failing.push([m, rate]);
    }
    if (rated.length > 0 && rated.length >= c.successRateMinimumHosts) {
      const mean = sum / rated.length;
      const variance = rated.reduce((v, [, r]) => v + (r - mean) ** 2, 0) / rated.length;
      const threshold = mean - (c.successRateStdevFactor / 1000) * Math.sqrt(variance);
      for (const [m, rate] of rated) {
        if (rate >= threshold) continue;
        this.count('ejections_success_rate');
        const type = origin === 'external' ? 'SUCCESS_RATE' : 'SUCCESS_RATE_LOCAL_ORIGIN';
        this.count(`ejections_detected_${STAT_SUFFIX[type]}`);
        this.ejectHost(m, type);
      }
    }
    if (failing.length > 0 && failing.length >= c.failurePercentageMinimumHosts) {
      for (const [m, rate] of failing) {
        if (100 - rate < c.failurePercentageThreshold) continue;
        const type = origin === 'external' ? 'FAILURE_PERCENTAGE' : 'FAILURE_PERCENTAGE_LOCAL_ORIGIN';
        this.count(`ejections_detected_${STAT_SUFFIX[type]}`);
        this.ejectHost(m, type);
      }
    }
  }

  private count(name: string): void {
    this.counters.set(name, (this.counters.get(name) ?? 0) + 1);
  }

  /** outlier_detection.* under Envoy's names; every enforced/detected counter present, zero or not. */
  stats(): Record<string, number> {
    const out: Record<string, number> = {
      'outlier_detection.ejections_active': this.ejectionsActive,
      'outlier_detection.ejections_overflow': this.counters.get('ejections_overflow') ?? 0,
      'outlier_detection.ejections_enforced_total': this.counters.get('ejections_enforced_total') ?? 0,
      'outlier_detection.ejections_total': this.counters.get('ejections_total') ?? 0,
      'outlier_detection.ejections_consecutive_5xx': this.counters.get('ejections_consecutive_5xx') ?? 0,
      'outlier_detection.ejections_success_rate': this.counters.get('ejections_success_rate') ?? 0,
    };
    for (const suffix of Object.values(STAT_SUFFIX)) {
      out[`outlier_detection.ejections_enforced_${suffix}`] =
        this.counters.get(`ejections_enforced_${suffix}`) ?? 0;
      out[`outlier_detection.ejections_detected_${suffix}`] =
        this.counters.get(`ejections_detected_${suffix}`) ?? 0;
    }
    return out;
  }

  /** Time each host spent ejected up to `endMs`, open ejections included. */
  ejectedMsOf(host: Host, endMs: number): number {
    const m = this.monitors[host.index]!;
    return m.ejectedMs + (host.ejected ? endMs - m.lastEjectionMs : 0);
  }
}
