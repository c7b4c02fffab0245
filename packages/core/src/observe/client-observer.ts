import { LatencyHistogram } from './histogram.js';
import { round3 } from './rounding.js';
import { Timeline } from './timeline.js';

/** What the application saw, as the report's `client` section. */
export interface ClientReport {
  total: number;
  byStatus: Record<string, number>;
  byFlag: Record<string, number>;
  /** Share of requests answered 5xx, or not answered at all (status 0: on a tcp-proxied port, the connection closed). */
  errorRate: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; p999: number; max: number };
}

/** Collects every finished client request: status, response flags, latency, timeline. */
export class ClientObserver {
  total = 0;
  errors5xx = 0;
  private readonly byStatus = new Map<number, number>();
  private readonly byFlag = new Map<string, number>();
  readonly latency = new LatencyHistogram();
  readonly timeline: Timeline;

  constructor(timelineBucketMs: number) {
    this.timeline = new Timeline(timelineBucketMs);
  }

  record(completedAtMs: number, latencyMs: number, status: number, flags: string): void {
    this.total++;
    const isError = status === 0 || (status >= 500 && status <= 599);
    if (isError) this.errors5xx++;
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
    this.byFlag.set(flags, (this.byFlag.get(flags) ?? 0) + 1);
    this.latency.record(latencyMs);
    this.timeline.record(completedAtMs, latencyMs, isError, flags);
  }

  report(): ClientReport {
    const h = this.latency;
    const flags = [...this.byFlag].sort(([a], [b]) => (a === '-' ? -1 : b === '-' ? 1 : a < b ? -1 : 1));
    return {
      total: this.total,
      byStatus: Object.fromEntries(
        [...this.byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => [String(s), n]),
      ),
      byFlag: Object.fromEntries(flags),
      errorRate: this.total === 0 ? 0 : this.errors5xx / this.total,
      latencyMs: {
        mean: round3(h.mean),
        p50: round3(h.quantile(0.5)),
        p90: round3(h.quantile(0.9)),
        p99: round3(h.quantile(0.99)),
        p999: round3(h.quantile(0.999)),
        max: round3(h.max),
      },
    };
  }
}
