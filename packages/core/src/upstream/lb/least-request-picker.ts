import type { Rng } from '../../kernel/random-streams.js';
import type { Host } from '../host.js';
import { EdfHostPicker } from './edf-host-picker.js';
import type { SlowStart } from './slow-start.js';

/** Envoy `LeastRequest` settings Istio leaves at their defaults. */
export interface LeastRequestConfig {
  /** `choice_count`, at least 2; default 2. */
  readonly choiceCount?: number;
  /** `active_request_bias`; default 1.0; negative or NaN fall back to 1.0. */
  readonly activeRequestBias?: number;
}

/**
 * LEAST_REQUEST (Envoy `LeastRequestLoadBalancer`). Equal weights: draw `choiceCount` hosts uniformly
 * with replacement and keep the one with the fewest active requests; a later draw replaces the
 * candidate only when strictly lower, so ties go to the earliest draw. Unequal weights or slow
 * start: EDF with weight / (rq_active + 1)^bias, recomputed only for the host just picked when it
 * is re-added (the other hosts keep the deadline they had), so it lags the live counts.
 * `Host.rqActive` is summed over workers, like Envoy's per-host stat.
 */
export class LeastRequestPicker extends EdfHostPicker {
  readonly choiceCount: number;
  readonly activeRequestBias: number;

  constructor(
    private readonly rng: Rng,
    config: LeastRequestConfig = {},
    slowStart: SlowStart | null = null,
  ) {
    super(rng, slowStart);
    this.choiceCount = config.choiceCount ?? 2;
    if (!Number.isInteger(this.choiceCount) || this.choiceCount < 2) {
      throw new RangeError(`choiceCount must be an integer >= 2, got ${this.choiceCount}`);
    }
    const bias = config.activeRequestBias ?? 1;
    this.activeRequestBias = bias >= 0 ? bias : 1; // NaN fails the comparison too
  }

  protected hostWeight(host: Host, nowMs: number): number {
    const active = host.rqActive + 1;
    const bias = this.activeRequestBias;
    const weight =
      bias === 1 ? host.weight / active : bias === 0 ? host.weight : host.weight / active ** bias;
    return this.slowStart === null ? weight : this.slowStart.apply(weight, host, nowMs);
  }

  protected unweightedPick(hosts: readonly Host[]): Host {
    const n = hosts.length;
    let candidate = hosts[Math.floor(this.rng() * n)]!;
    for (let choice = 1; choice < this.choiceCount; choice++) {
      const sampled = hosts[Math.floor(this.rng() * n)]!;
      if (sampled.rqActive < candidate.rqActive) candidate = sampled;
    }
    return candidate;
  }
}
