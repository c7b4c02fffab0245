import { GRPC_STATUS_NAMES } from '../envoy/grpc-status.js';
import { FLAG_MASKS, flagsText } from '../envoy/response-flags.js';
import { histogramBucket, LatencyHistogram } from './histogram.js';
import { round3 } from './rounding.js';
import { StatusCounts } from './status-counts.js';
import { Timeline } from './timeline.js';

/** What the application saw, as the report's `client` section. */
export interface ClientReport {
  total: number;
  byStatus: Record<string, number>;
  byFlag: Record<string, number>;
  /**
   * gRPC requests (to GRPC ports) by the grpc-status the application saw, by name: the upstream's, or
   * for an answer without one (Envoy's local replies) the HTTP status mapped as Envoy maps it. Present
   * only when the run sent gRPC requests.
   */
  byGrpcStatus?: Record<string, number>;
  /** Share of requests answered 5xx, or not answered at all (status 0: on a tcp-proxied port, the connection closed). */
  errorRate: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; p999: number; max: number };
}

/** Collects every finished client request: status, response flags, latency, timeline. */
export class ClientObserver {
  total = 0;
  errors5xx = 0;
  private readonly byStatus = new StatusCounts();
  /** Requests by response-flag mask (the index): an increment per request. */
  private readonly byFlag: Float64Array;
  /** Answers to gRPC requests by grpc-status code. */
  private readonly byGrpc = new Map<number, number>();
  readonly latency = new LatencyHistogram();
  readonly timeline: Timeline;

  constructor(timelineBucketMs: number) {
    this.timeline = new Timeline(timelineBucketMs);
    this.byFlag = new Float64Array(FLAG_MASKS);
  }

  /** One finished request; `flags` is its response-flag mask (0: none). */
  record(completedAtMs: number, latencyMs: number, status: number, flags: number): void {
    this.total++;
    const isError = status === 0 || (status >= 500 && status <= 599);
    if (isError) this.errors5xx++;
    this.byStatus.add(status);
    this.byFlag[flags]!++;
    const bucket = histogramBucket(latencyMs);
    this.latency.record(latencyMs, bucket);
    this.timeline.record(completedAtMs, latencyMs, isError, flags, bucket);
  }

  /** The grpc-status code a gRPC request was answered with; called just before its `record`. */
  recordGrpc(code: number): void {
    this.byGrpc.set(code, (this.byGrpc.get(code) ?? 0) + 1);
  }

  report(): ClientReport {
    const h = this.latency;
    const flagCounts: Array<[string, number]> = [];
    this.byFlag.forEach((n, mask) => {
      if (n > 0) flagCounts.push([flagsText(mask), n]);
    });
    const flags = flagCounts.sort(([a], [b]) => (a === '-' ? -1 : b === '-' ? 1 : a < b ? -1 : 1));
    return {
      total: this.total,
      byStatus: Object.fromEntries(this.byStatus.entries().map(([s, n]) => [String(s), n])),
      byFlag: Object.fromEntries(flags),
      ...(this.byGrpc.size === 0
        ? {}
        : {
            byGrpcStatus: Object.fromEntries(
              [...this.byGrpc]
                .sort((a, b) => a[0] - b[0])
                .map(([c, n]) => [GRPC_STATUS_NAMES[c] ?? String(c), n]),
            ),
          }),
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
