import type { EndpointBehaviourInput } from '@meshsim/core';

/** A latency as the Scenario YAML writes it: `{ median, p99 }`, `{ constant }` or `{ exponential }`. */
export type LatencyInput = NonNullable<EndpointBehaviourInput['latency']>;

/** Builders for the Scenario's `endpoints.<address>` entries; each returns the YAML's own shape. */
export const endpoint = {
  /** Answers every request, after `latency` of server time (default: none). */
  healthy(options: { latency?: LatencyInput } = {}): EndpointBehaviourInput {
    return options.latency === undefined ? {} : { latency: options.latency };
  },

  /** Answers `status` to a share `rate` of requests, independently per request. */
  failing(options: { status: number; rate: number; latency?: LatencyInput }): EndpointBehaviourInput {
    const errors = [{ status: options.status, rate: options.rate }];
    return options.latency === undefined ? { errors } : { latency: options.latency, errors };
  },
};
