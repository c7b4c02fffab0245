import type { Host } from './host.js';

/** Success-rate accumulator of one origin: the interval being written and the one just closed. */
export class SuccessRateBuckets {
  currentTotal = 0;
  currentSuccess = 0;
  closedTotal = 0;
  closedSuccess = 0;

  /** At each interval tick the written bucket becomes the one the detectors read. */
  swap(): void {
    this.closedTotal = this.currentTotal;
    this.closedSuccess = this.currentSuccess;
    this.currentTotal = 0;
    this.currentSuccess = 0;
  }

  /** Success rate in percent over the closed bucket, or -1 when it saw no request. */
  closedRatePct(): number {
    return this.closedTotal === 0 ? -1 : (this.closedSuccess * 100) / this.closedTotal;
  }
}

/**
 * Envoy's DetectorHostMonitorImpl: per-host consecutive-error counters, success-rate buckets, and the
 * host's ejection history (back-off multiplier, last ejection and uneject times).
 */
export class OutlierHostMonitor {
  consecutive5xx = 0;
  consecutiveGatewayFailure = 0;
  consecutiveLocalOriginFailure = 0;
  readonly externalOrigin = new SuccessRateBuckets();
  readonly localOrigin = new SuccessRateBuckets();
  /** Multiplier of the base ejection time; grows per ejection, decays per clean interval. */
  ejectTimeBackoff = 0;
  numEjections = 0;
  lastEjectionMs = Number.NaN;
  lastUnejectionMs = Number.NaN;
  /** Milliseconds spent ejected, closed periods only. */
  ejectedMs = 0;
  /** Index of the open ejection in the detector's record, or -1. */
  openEjection = -1;
  /** The host left the cluster (DNS refresh). */
  removed = false;

  constructor(readonly host: Host) {}

  resetConsecutive(): void {
    this.consecutive5xx = 0;
    this.consecutiveGatewayFailure = 0;
    this.consecutiveLocalOriginFailure = 0;
  }
}
